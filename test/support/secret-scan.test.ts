import { describe, expect, it } from "vitest";
import { findSecrets } from "./secret-scan";

describe("findSecrets", () => {
  const secret = "pw-Zx9!/+ secret";

  it("finds a secret in plain, base64, base64url and URL-encoded form", () => {
    for (const text of [
      `{"msg":"x","password":"${secret}"}`,
      `Authorization: Basic ${Buffer.from(secret).toString("base64")}`,
      `token=${Buffer.from(secret).toString("base64url")}`,
      `GET /callback?p=${encodeURIComponent(secret)}`,
    ]) {
      expect(findSecrets(text, [secret])).not.toEqual([]);
    }
  });

  it("finds nothing in a clean log", () => {
    expect(findSecrets(`{"msg":"signed in","password":"[redacted]"}`, [secret])).toEqual([]);
  });
});
