import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseRunbookFile } from "./parse";

const fixture = (directory: string, name: string) =>
  readFileSync(path.resolve("test/fixtures", directory, name), "utf8");

function problemsOf(text: string) {
  const result = parseRunbookFile(text);
  if (result.ok) throw new Error("expected the file to be refused");
  return result.problems;
}

const HEADER = "id: inline\ntitle: Inline\nsummary: Written in the test.\nrisk: low\n";

describe("parseRunbookFile", () => {
  it("accepts the sample runbooks and fills in the schema's defaults", () => {
    const result = parseRunbookFile(fixture("runbooks", "sample-guided-change.yaml"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { definition } = result;
    expect(definition.id).toBe("sample-guided-change");
    expect(definition.steps.map((step) => step.kind)).toEqual(["manual", "check", "approval", "action"]);
    expect(definition.inputs[0]).toMatchObject({ name: "service", required: true });
    expect(definition.steps[1]).toMatchObject({ kind: "check", expect: "pass", input: {} });
    expect(definition.locks).toEqual([{ key: "service:{{inputs.service}}", onBusy: "refuse" }]);
  });

  it("reports a YAML syntax error where YAML found it", () => {
    expect(problemsOf(fixture("runbooks-invalid", "yaml-syntax.yaml"))).toEqual([
      {
        line: 6,
        column: 1,
        message: "YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      },
    ]);
  });

  it("points at a wrong type deep inside a step", () => {
    expect(problemsOf(fixture("runbooks-invalid", "wrong-type-deep.yaml"))).toEqual([
      { line: 9, column: 16, message: 'steps[0].approvals: expected a number, got text "two"' },
    ]);
  });

  it("points at an unknown key", () => {
    expect(problemsOf(fixture("runbooks-invalid", "unknown-key.yaml"))).toEqual([
      { line: 10, column: 5, message: "steps[0].instrutions: unknown key; check its spelling and indentation" },
    ]);
  });

  it("points a missing field at its parent mapping", () => {
    expect(problemsOf(fixture("runbooks-invalid", "missing-field.yaml"))).toEqual([
      { line: 10, column: 5, message: "steps[1].title: required" },
    ]);
  });

  it("refuses a duplicate key instead of keeping the last one", () => {
    expect(problemsOf(fixture("runbooks-invalid", "duplicate-key.yaml"))).toEqual([
      { line: 5, column: 1, message: "risk: duplicate key; each key may appear once" },
    ]);
  });

  it("names the step kinds when one is misspelt", () => {
    expect(problemsOf(fixture("runbooks-invalid", "unknown-step-kind.yaml"))).toEqual([
      { line: 15, column: 11, message: "steps[2].kind: expected one of manual, check, action, approval" },
    ]);
  });

  it("refuses a duplicate key deep in a step, naming its path", () => {
    const text = `${HEADER}steps:\n  - id: a\n    kind: manual\n    title: A\n    instructions: x\n    title: B\n`;
    expect(problemsOf(text)).toEqual([
      { line: 10, column: 5, message: "steps[0].title: duplicate key; each key may appear once" },
    ]);
  });

  it("reports every schema problem at once, sorted by line", () => {
    const text = [
      "id: Not-Valid",
      "title:",
      "summary: s",
      "risk: extreme",
      "colour: blue",
      "steps:",
      "  - id: a",
      "    title: No kind",
      "  - id: b",
      "    kind: action",
      "    title: B",
      "    action: keel.wait",
      "    input: [1, 2]",
      "",
    ].join("\n");
    expect(problemsOf(text)).toEqual([
      { line: 1, column: 5, message: "id: use lower-case letters, digits, - and _, starting with a letter" },
      { line: 2, column: 1, message: "title: expected text, got an empty value" },
      { line: 4, column: 7, message: "risk: expected one of low, medium, high" },
      { line: 5, column: 1, message: "colour: unknown key; check its spelling and indentation" },
      { line: 7, column: 5, message: "steps[0].kind: required; one of manual, check, action, approval" },
      { line: 13, column: 12, message: "steps[1].input: expected a mapping, got a list" },
    ]);
  });

  it("explains a condition that matches no form, and names the field of one that nearly does", () => {
    const step = (when: string) =>
      `${HEADER}steps:\n  - id: a\n    kind: manual\n    title: A\n    instructions: x\n    when: ${when}\n`;
    expect(problemsOf(step("{ stp: a }"))).toEqual([
      {
        line: 10,
        column: 11,
        message:
          "steps[0].when: expected a condition: { input: <name>, equals: … }, { step: <id>, status: … }, { all: [...] }, { any: [...] } or { not: … }",
      },
    ]);
    expect(problemsOf(step("{ step: a, status: 3 }"))).toEqual([
      { line: 10, column: 30, message: "steps[0].when.status: expected text, got number 3" },
    ]);
    expect(problemsOf(step("{ all: yes }"))).toEqual([
      { line: 10, column: 18, message: 'steps[0].when.all: expected a list, got text "yes"' },
    ]);
  });

  it("uses the schema's own messages where it has them", () => {
    expect(problemsOf(`${HEADER}steps: []\n`)).toEqual([
      { line: 5, column: 8, message: "steps: a runbook needs at least one step" },
    ]);
    const approval = `${HEADER}steps:\n  - id: a\n    kind: approval\n    title: A\n    expiresIn: soon\n`;
    expect(problemsOf(approval)).toEqual([
      { line: 9, column: 16, message: "steps[0].expiresIn: use a duration such as 90s, 15m, 24h or 30d" },
    ]);
  });

  it("refuses files that are not one YAML mapping", () => {
    const notAMapping = "a runbook file must be a YAML mapping with id, title, summary, risk and steps";
    expect(problemsOf("")).toEqual([{ line: 1, column: 1, message: notAMapping }]);
    expect(problemsOf("- id: a\n- id: b\n")).toEqual([{ line: 1, column: 1, message: notAMapping }]);
    expect(problemsOf(`${HEADER}---\nid: second\n`)[0]).toMatchObject({
      line: 5,
      column: 1,
      message: expect.stringContaining("multiple documents"),
    });
    expect(problemsOf("id: *nowhere\n")[0]!.message).toContain("Unresolved alias");
    expect(problemsOf("id: a\nsteps:\n\t- x\n")[0]).toMatchObject({
      line: 3,
      column: 1,
      message: "YAML: Tabs are not allowed as indentation",
    });
  });
});
