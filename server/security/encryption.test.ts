import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./encryption";

describe("secret encryption", () => {
  const key = randomBytes(32);

  it("round-trips and never repeats a ciphertext", () => {
    const a = encryptSecret("s3cr3t value ✓", "run:1:input:token", key);
    const b = encryptSecret("s3cr3t value ✓", "run:1:input:token", key);
    expect(a).not.toBe(b);
    expect(a).not.toContain("s3cr3t");
    expect(decryptSecret(a, "run:1:input:token", key)).toBe("s3cr3t value ✓");
  });

  it("refuses another place, another key or a tampered ciphertext", () => {
    const sealed = encryptSecret("value", "run:1:input:token", key);
    expect(() => decryptSecret(sealed, "run:2:input:token", key)).toThrow();
    expect(() => decryptSecret(sealed, "run:1:input:token", randomBytes(32))).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("tampered").toString("base64");
    expect(() => decryptSecret(parts.join("."), "run:1:input:token", key)).toThrow();
  });
});
