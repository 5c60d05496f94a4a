import { describe, expect, it } from "vitest";
import type { RunStep } from "@/db/schema";
import { runbookDefinition } from "@/lib/runbooks/definition";
import { createBuiltinRegistry } from "../engine/builtins";
import type { StoredRun } from "../engine/run-state";
import { highRiskCommand } from "./high-risk";

const registry = createBuiltinRegistry();
const actor = { userId: "u", role: "lead" as const };

function run(steps: unknown[], rows: Partial<RunStep>[] = []): StoredRun {
  const definition = runbookDefinition.parse({ id: "r", title: "R", summary: "s", risk: "high", steps });
  return {
    row: {} as StoredRun["row"],
    approvals: [],
    versionNumber: 1,
    definition,
    steps: rows.map((r) => ({ coveredPlans: null, output: null, ...r }) as RunStep),
  };
}

const classify = {
  id: "classify",
  kind: "check",
  title: "Classify",
  check: "allowlist.classify",
  input: { allowlist: "edge", cidr: "10.0.0.0/8" },
};
const approval = { id: "ok", kind: "approval", title: "A lead approves", role: "lead" };
const add = {
  id: "add",
  kind: "action",
  title: "Add",
  action: "allowlist.add",
  input: { allowlist: "edge", cidr: "10.0.0.0/8", reason: "r", expiresIn: "1h" },
};
const promote = { id: "promote", kind: "action", title: "Promote", action: "secret.promote", input: { secret: "s" } };

describe("which commands are high-risk", () => {
  it("executing or retrying a high-risk action, not an ordinary one, and not confirming", () => {
    const stored = run([approval, promote, add]);
    expect(highRiskCommand(registry, stored, { type: "execute", stepId: "promote", actor })).toMatch(
      /^Executing “Promote”/,
    );
    expect(highRiskCommand(registry, stored, { type: "retry", stepId: "promote", actor })).toMatch(
      /^Retrying “Promote”/,
    );
    expect(highRiskCommand(registry, stored, { type: "execute", stepId: "add", actor })).toBeNull();
    expect(highRiskCommand(registry, stored, { type: "skip", stepId: "promote", actor, reason: "x" })).toBeNull();
  });

  it("approving what gates a high-risk action, judged by the plans the approval covers", () => {
    expect(
      highRiskCommand(registry, run([approval, promote]), { type: "approve", stepId: "ok", actor, bindingHash: "h" }),
    ).toMatch(/^Approving “A lead approves”/);
    const coversOnlyAdd = run(
      [approval, add, promote],
      [{ stepId: "ok", kind: "approval", coveredPlans: { add: { hash: "h" } } }],
    );
    expect(
      highRiskCommand(registry, coversOnlyAdd, { type: "approve", stepId: "ok", actor, bindingHash: "h" }),
    ).toBeNull();
  });

  it("approving an allowlist entry the run's classify check found broad, and not a narrow one", () => {
    const broad = run(
      [classify, approval, add],
      [{ stepId: "classify", kind: "check", status: "succeeded", output: { broad: true } }],
    );
    expect(highRiskCommand(registry, broad, { type: "approve", stepId: "ok", actor, bindingHash: "h" })).toContain(
      "a broad allowlist range",
    );
    const narrow = run(
      [classify, approval, add],
      [{ stepId: "classify", kind: "check", status: "succeeded", output: { broad: false } }],
    );
    expect(highRiskCommand(registry, narrow, { type: "approve", stepId: "ok", actor, bindingHash: "h" })).toBeNull();
  });
});
