import { describe, expect, it } from "vitest";
import { appRouter } from "../routers/_app";
import { COMMAND_ROLES } from "./permissions";

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { access?: string } } }>;
const accessOf = (path: string) => procedures[path]?._def.meta?.access;

describe("the roles the run page checks", () => {
  it("are the roles the runs router's procedures require", () => {
    expect({
      confirm: accessOf("runs.confirm"),
      execute: accessOf("runs.execute"),
      decide: accessOf("runs.approve"),
      retry: accessOf("runs.retry"),
      skip: accessOf("runs.skip"),
      abort: accessOf("runs.abort"),
    }).toEqual(COMMAND_ROLES);
    expect(accessOf("runs.refuse")).toBe(COMMAND_ROLES.decide);
  });
});
