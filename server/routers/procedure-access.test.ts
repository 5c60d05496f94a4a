import { describe, expect, it } from "vitest";
import { appRouter } from "./_app";

/** Invariant 5: the server enforces every permission, so every procedure must say who may call it. */
const PUBLIC_PROCEDURES = new Set(["session.me"]);

describe("procedure access", () => {
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: string } } }>,
  );

  it("finds the procedures", () => {
    expect(procedures.length).toBeGreaterThan(5);
  });

  it.each(procedures.map(([path, procedure]) => [path, procedure._def.meta?.access] as const))(
    "%s declares its minimum role (%s)",
    (path, access) => {
      expect(access).toBeDefined();
      if (access === "public") expect(PUBLIC_PROCEDURES.has(path)).toBe(true);
    },
  );
});
