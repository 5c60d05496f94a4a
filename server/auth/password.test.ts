import { describe, expect, it } from "vitest";
import { generateOneTimePassword, hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(await verifyPassword("correct horse battery staple", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
  });

  it("refuses malformed stored hashes instead of throwing", async () => {
    for (const stored of ["", "plain", "bcrypt$x$y", "scrypt$15$8$1$c2FsdA==$"]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("makes readable one-time passwords without look-alike characters", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generateOneTimePassword();
      expect(password).toMatch(/^[a-zA-HJ-NP-Z2-9]{5}(-[a-zA-HJ-NP-Z2-9]{5}){3}$/);
      expect(password).not.toMatch(/[01ilIoO]/);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });
});
