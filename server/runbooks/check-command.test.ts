import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../engine/builtins";
import { runbookFileCount } from "@/test/support/runbook-files";
import { checkRunbookDirectories } from "./check-command";

// Other modules register actions and ship runbooks too: the expectations follow what is there.
const REGISTERED_ACTIONS = createBuiltinRegistry().actionNames().join(", ");
const SHIPPED = runbookFileCount("runbooks");
const filesOk = (n: number) => `${n} runbook file${n === 1 ? "" : "s"} OK`;

const check = (directories: string[]) =>
  checkRunbookDirectories({ root: process.cwd(), directories, registry: createBuiltinRegistry() });

describe("runbooks:check", () => {
  it("counts the files when every one is valid", async () => {
    expect(await check(["runbooks", "test/fixtures/runbooks"])).toEqual({ ok: true, lines: [filesOk(SHIPPED + 2)] });
    expect(await check(["runbooks"])).toEqual({ ok: true, lines: [filesOk(SHIPPED)] });
  });

  it("prints every problem as path:line:column message, file by file, then a count", async () => {
    expect(await check(["test/fixtures/runbooks-invalid", "test/fixtures/missing"])).toEqual({
      ok: false,
      lines: [
        "test/fixtures/missing: directory not found (set KEEL_RUNBOOK_DIRS to the runbook directories)",
        'test/fixtures/runbooks-invalid/broken-references.yaml:15:16 steps[0].input.seconds: {{steps.second.output.waitedSeconds}} uses step "second", which comes later; a step can only use the steps before it',
        "test/fixtures/runbooks-invalid/broken-references.yaml:16:15 steps[0].input.reason: {{inputs.host}} refers to no declared input (inputs are target)",
        `test/fixtures/runbooks-invalid/broken-references.yaml:20:13 steps[1].action: no action "keel.teleport" is registered (registered actions: ${REGISTERED_ACTIONS})`,
        "test/fixtures/runbooks-invalid/duplicate-key.yaml:5:1 risk: duplicate key; each key may appear once",
        "test/fixtures/runbooks-invalid/missing-field.yaml:10:5 steps[1].title: required",
        'test/fixtures/runbooks-invalid/same-id-b.yaml:1:5 id: runbook id "twin" is already declared by test/fixtures/runbooks-invalid/same-id-a.yaml; each runbook file needs its own id',
        "test/fixtures/runbooks-invalid/unknown-key.yaml:10:5 steps[0].instrutions: unknown key; check its spelling and indentation",
        "test/fixtures/runbooks-invalid/unknown-step-kind.yaml:15:11 steps[2].kind: expected one of manual, check, action, approval",
        'test/fixtures/runbooks-invalid/wrong-type-deep.yaml:9:16 steps[0].approvals: expected a number, got text "two"',
        "test/fixtures/runbooks-invalid/yaml-syntax.yaml:6:1 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
        "8 of 9 runbook files have problems",
      ],
    });
  });

  it("fails when a configured directory does not exist, even with no bad file", async () => {
    expect(await check(["runbooks", "nowhere"])).toEqual({
      ok: false,
      lines: ["nowhere: directory not found (set KEEL_RUNBOOK_DIRS to the runbook directories)"],
    });
  });
});
