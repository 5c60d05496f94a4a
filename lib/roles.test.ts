import { describe, expect, it } from "vitest";
import { hasRole, isRole, ROLES } from "./roles";

describe("roles", () => {
  it("each role includes every role before it and none after", () => {
    ROLES.forEach((role, i) => {
      ROLES.forEach((minimum, j) => expect(hasRole(role, minimum)).toBe(i >= j));
    });
  });

  it("recognises only the four roles", () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole("root")).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
