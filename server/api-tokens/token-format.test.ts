import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashSecret, mintToken, parseToken, signatureValid } from "./token-format";

describe("API token format", () => {
  it("mints a token whose parts parse back, signed with the key given", () => {
    const id = randomUUID();
    const { token, secretHash } = mintToken(id, "key-one");
    const parsed = parseToken(token)!;
    expect(parsed.id).toBe(id);
    expect(hashSecret(parsed.secret)).toBe(secretHash);
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureValid(parsed, ["key-one"])).toBe(true);
    expect(signatureValid(parsed, ["key-two"])).toBe(false);
    expect(signatureValid(parsed, ["key-two", "key-one"])).toBe(true);
    expect(signatureValid(parsed, [])).toBe(false);
  });

  it("refuses anything that is not exactly a token", () => {
    const { token } = mintToken(randomUUID(), "k");
    for (const bad of [
      "",
      "keel_pat",
      `${token}x`,
      token.replace("keel_pat", "keel_xyz"),
      token.split(".").slice(0, 3).join("."),
      ` ${token}`,
    ]) {
      expect(parseToken(bad)).toBeNull();
    }
  });
});
