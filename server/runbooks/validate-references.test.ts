import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createBuiltinRegistry } from "../engine/builtins";
import { checkRunbookFile } from "./check-file";

const registry = createBuiltinRegistry().registerAction({
  name: "test.allow",
  title: "Allow an address",
  description: "Test action with an output, for compensation references.",
  input: z.strictObject({ address: z.string(), ruleId: z.string().optional() }),
  plan: async () => ({ summary: "nothing", changes: [] }),
  execute: async () => ({ summary: "done", output: { ruleId: "r-1" } }),
});

/** What the messages list: every action and check the registry holds, as it lists them. */
const ACTIONS = registry.actionNames().join(", ");
const CHECKS = registry.checkNames().join(", ");

/** A runbook around the given inputs, locks and steps (YAML lines, already indented under their key). */
function runbook(parts: { inputs?: string[]; locks?: string[]; steps: string[]; header?: string[] }): string {
  return [
    "id: rules",
    "title: Rules",
    "summary: Exercises one semantic rule.",
    "risk: low",
    ...(parts.header ?? []),
    ...(parts.inputs ? ["inputs:", ...parts.inputs] : []),
    ...(parts.locks ? ["locks:", ...parts.locks] : []),
    "steps:",
    ...parts.steps,
    "",
  ].join("\n");
}

/** Line and column (1-based) of the `occurrence`-th appearance of `needle`: where a problem must point. */
function at(text: string, needle: string, occurrence = 1, shift = 0): { line: number; column: number } {
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`"${needle}" not found ${occurrence} times`);
  }
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 + shift };
}

function problemsOf(text: string) {
  const result = checkRunbookFile(text, registry);
  return result.ok ? [] : result.problems;
}

const manual = (id: string, extra: string[] = []) => [
  `  - id: ${id}`,
  "    kind: manual",
  `    title: Step ${id}`,
  "    instructions: Do it.",
  ...extra,
];
const check = (id: string, extra: string[] = []) => [
  `  - id: ${id}`,
  "    kind: check",
  `    title: Check ${id}`,
  "    check: keel.audit-chain",
  ...extra,
];
const wait = (id: string, input: string[] = ["      seconds: 5"], extra: string[] = []) => [
  `  - id: ${id}`,
  "    kind: action",
  `    title: Wait ${id}`,
  "    action: keel.wait",
  "    input:",
  ...input,
  ...extra,
];

describe("validateReferences", () => {
  it("accepts a runbook whose references all resolve", () => {
    const text = runbook({
      inputs: [
        "  - name: ip",
        "    type: ip",
        "    label: Address",
        "  - name: pause",
        "    type: number",
        "    label: Pause",
        "    default: 5",
      ],
      locks: ['  - key: "allowlist:{{inputs.ip}}"'],
      steps: [
        ...check("verify"),
        ...wait("first", [
          '      seconds: "{{inputs.pause}}"',
          '      reason: "after {{steps.verify.status}} in run {{run.number}} by {{run.startedBy}}"',
        ]),
        ...manual("note", [
          "    instructions: Waited {{steps.first.output.waitedSeconds}}s for {{inputs.ip}}.",
          "    when: { step: first, output: waitedSeconds, greaterThan: 1 }",
        ]),
      ].filter((line) => line !== "    instructions: Do it."),
    });
    expect(problemsOf(text)).toEqual([]);
  });

  it("refuses duplicate input names and step ids at the second occurrence", () => {
    const text = runbook({
      inputs: [
        "  - name: host",
        "    type: string",
        "    label: Host",
        "  - name: host",
        "    type: string",
        "    label: Host again",
      ],
      steps: [...manual("same"), ...manual("same")],
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, "host", 2),
        message: 'inputs[1].name: "host" is already the name of inputs[0]; input names must be unique',
      },
      {
        ...at(text, "- id: same", 2, "- id: ".length),
        message: 'steps[1].id: "same" is already the id of steps[0]; step ids must be unique',
      },
    ]);
  });

  it("refuses references to undeclared inputs, unknown steps and unknown roots", () => {
    const text = runbook({
      inputs: ["  - name: host", "    type: string", "    label: Host"],
      steps: manual("one", ["    title: For {{inputs.hots}}", "    when: { input: hots, exists: true }"]).filter(
        (line) => line !== "    title: Step one",
      ),
    });
    const text2 = runbook({
      steps: wait("one", [
        '      reason: "{{steps.nope.status}} {{run.name}} {{env.HOME}} {{inputs.x.y}}"',
        "      seconds: 5",
      ]),
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, "For {{"),
        message: "steps[0].title: {{inputs.hots}} refers to no declared input (inputs are host)",
      },
      { ...at(text, "hots,"), message: 'steps[0].when.input: "hots" is not a declared input (inputs are host)' },
    ]);
    const reason = at(text2, '"{{steps');
    expect(problemsOf(text2)).toEqual([
      {
        ...reason,
        message:
          "steps[0].input.reason: {{env.HOME}} is not something a template can use; use inputs.<name>, steps.<id>.output.<field>, steps.<id>.status or run.id, run.number, run.startedBy",
      },
      {
        ...reason,
        message: "steps[0].input.reason: {{inputs.x.y}} refers to no declared input (this runbook declares no inputs)",
      },
      { ...reason, message: "steps[0].input.reason: {{run.name}}: a run has only id, number and startedBy" },
      { ...reason, message: "steps[0].input.reason: {{steps.nope.status}} refers to no step; step ids are one" },
    ]);
  });

  it("lets a step use only the steps before it, and output only of actions and checks", () => {
    const text = runbook({
      steps: [
        ...manual("first", ["    title: After {{steps.later.status}}"]).filter(
          (line) => line !== "    title: Step first",
        ),
        ...wait("self", ['      seconds: "{{steps.self.output.waitedSeconds}}"']),
        ...manual("later", [
          "    instructions: First said {{steps.first.output.note}}; self said {{steps.self.output.waitedSeconds}}; {{steps.self.outputs}}",
        ]).filter((line) => line !== "    instructions: Do it."),
      ],
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, "After"),
        message:
          'steps[0].title: {{steps.later.status}} uses step "later", which comes later; a step can only use the steps before it',
      },
      {
        ...at(text, '"{{steps.self'),
        message:
          "steps[1].input.seconds: {{steps.self.output.waitedSeconds}} uses this step's own result, which does not exist while it runs",
      },
      {
        ...at(text, "First said"),
        message:
          'steps[2].instructions: {{steps.first.output.note}}: step "first" is a manual step and has no output; only action and check steps do',
      },
      {
        ...at(text, "First said"),
        message:
          "steps[2].instructions: {{steps.self.outputs}}: a step offers only status and output (steps.self.status, steps.self.output.<field>)",
      },
    ]);
  });

  it("lets a compensation use its own step's output", () => {
    const text = runbook({
      steps: [
        "  - id: allow",
        "    kind: action",
        "    title: Allow",
        "    action: test.allow",
        "    input: { address: 203.0.113.7 }",
        "    compensation:",
        "      action: test.allow",
        '      input: { address: 203.0.113.7, ruleId: "{{steps.allow.output.ruleId}}" }',
      ],
    });
    expect(problemsOf(text)).toEqual([]);
  });

  it("lets lock keys use declared, non-secret inputs only", () => {
    const text = runbook({
      inputs: [
        "  - name: db",
        "    type: string",
        "    label: Database",
        "  - name: token",
        "    type: secret",
        "    label: Token",
      ],
      locks: [
        '  - key: "db:{{inputs.db}}"',
        '  - key: "run:{{run.id}}"',
        '  - key: "x:{{inputs.nope}}"',
        '  - key: "t:{{inputs.token}}"',
      ],
      steps: manual("one"),
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, '"run:'),
        message:
          "locks[1].key: {{run.id}}: a lock key may only use inputs, because the lock is taken before the run starts",
      },
      {
        ...at(text, '"x:'),
        message: "locks[2].key: {{inputs.nope}} refers to no declared input (inputs are db, token)",
      },
      {
        ...at(text, '"t:'),
        message:
          "locks[3].key: {{inputs.token}} would show the secret input \"token\" in plain text; pass it only in an action's or check's input",
      },
    ]);
  });

  it("keeps secret inputs out of what the run page shows, but lets actions have them", () => {
    const text = runbook({
      inputs: ["  - name: token", "    type: secret", "    label: Token"],
      steps: [
        ...manual("show", ["    instructions: Paste {{inputs.token}} into the console."]).filter(
          (line) => line !== "    instructions: Do it.",
        ),
        ...wait("use", ["      seconds: 5", '      reason: "{{inputs.token}}"']),
      ],
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, "Paste"),
        message:
          "steps[0].instructions: {{inputs.token}} would show the secret input \"token\" in plain text; pass it only in an action's or check's input",
      },
    ]);
  });

  it("allows templates only inside steps and lock keys, and catches unclosed ones", () => {
    const text = runbook({
      header: ['tags: ["ops-{{run.id}}"]'],
      inputs: ["  - name: host", "    type: string", "    label: Host for {{run.number}}"],
      steps: manual("one", ["    instructions: Check {{inputs.host}"]).filter(
        (line) => line !== "    instructions: Do it.",
      ),
    });
    expect(problemsOf(text)).toEqual([
      { ...at(text, '"ops-'), message: "tags[0]: templates are filled in only inside steps and lock keys" },
      { ...at(text, "Host for"), message: "inputs[0].label: templates are filled in only inside steps and lock keys" },
      { ...at(text, "Check {{"), message: 'steps[0].instructions: has "{{" without a matching "}}"' },
    ]);
  });

  it("checks conditions: declared inputs, earlier steps, outputs, statuses and enum options", () => {
    const text = runbook({
      inputs: ["  - name: env", "    type: enum", "    label: Environment", "    options: [staging, production]"],
      steps: [
        ...manual("first", ["    when: { step: later, status: succeeded }"]),
        ...check("second", [
          "    when: { all: [{ step: first, output: value, exists: true }, { not: { step: first, status: done } }] }",
        ]),
        ...manual("later", [
          "    when: { any: [{ input: env, equals: prod }, { input: env, in: [staging, qa] }, { step: later, status: succeeded }] }",
        ]),
      ],
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, "later, status"),
        message: 'steps[0].when.step: step "later" comes later; a condition can only look at the steps before it',
      },
      {
        ...at(text, "value,"),
        message:
          'steps[1].when.all[0].output: step "first" is a manual step and has no output; only action and check steps do',
      },
      {
        ...at(text, "done"),
        message: "steps[1].when.all[1].not.status: expected one of succeeded, failed, skipped, not_applicable",
      },
      {
        ...at(text, "prod }"),
        message: 'steps[2].when.any[0].equals: "prod" is not an option of input "env" (staging, production)',
      },
      {
        ...at(text, "qa"),
        message: 'steps[2].when.any[1].in[1]: "qa" is not an option of input "env" (staging, production)',
      },
      {
        ...at(text, "later, status", 2),
        message: "steps[2].when.any[2].step: a step's condition cannot depend on the step itself",
      },
    ]);
  });

  it("requires registered actions, checks and compensations, and literal inputs they accept", () => {
    const text = runbook({
      steps: [
        "  - id: go",
        "    kind: action",
        "    title: Go",
        "    action: keel.teleport",
        "  - id: look",
        "    kind: check",
        "    title: Look",
        "    check: keel.crystal-ball",
        ...wait("pause", ["      seconds: 0", "      colour: blue"], ["    compensation: { action: keel.rewind }"]),
        ...wait("templated", ['      seconds: "{{steps.pause.output.waitedSeconds}}"']),
      ],
    });
    expect(problemsOf(text)).toEqual([
      {
        ...at(text, "keel.teleport"),
        message: `steps[0].action: no action "keel.teleport" is registered (registered actions: ${ACTIONS})`,
      },
      {
        ...at(text, "keel.crystal-ball"),
        message: `steps[1].check: no check "keel.crystal-ball" is registered (registered checks: ${CHECKS})`,
      },
      { ...at(text, "0\n"), message: "steps[2].input.seconds: must be at least 1" },
      { ...at(text, "colour"), message: "steps[2].input.colour: unknown key; check its spelling and indentation" },
      {
        ...at(text, "keel.rewind"),
        message: `steps[2].compensation.action: no action "keel.rewind" is registered (registered actions: ${ACTIONS})`,
      },
    ]);
  });

  it("requires defaults within their bounds and options", () => {
    const text = runbook({
      inputs: [
        "  - name: env",
        "    type: enum",
        "    label: Environment",
        "    options: [staging, { value: production, label: Production }, staging]",
        "    default: prod",
        "  - name: count",
        "    type: number",
        "    label: Count",
        "    integer: true",
        "    min: 10",
        "    max: 5",
        "    default: 2.5",
        "  - name: window",
        "    type: duration",
        "    label: Window",
        "    min: 5m",
        "    max: 1h",
        "    default: 2h",
        "  - name: code",
        "    type: string",
        "    label: Code",
        "    pattern: '[a-z'",
        "    maxLength: 3",
        "    default: abcd",
        "  - name: source",
        "    type: ip",
        "    label: Source",
        "    allowCidr: false",
        "    default: 10.0.0.0/8",
      ],
      steps: manual("one"),
    });
    expect(problemsOf(text)).toEqual([
      { ...at(text, "staging", 2), message: 'inputs[0].options[2]: "staging" is listed twice' },
      {
        ...at(text, "prod\n"),
        message: 'inputs[0].default: "prod" is not one of the options (staging, production, staging)',
      },
      { ...at(text, "10\n"), message: "inputs[1].min: 10 is greater than max (5)" },
      { ...at(text, "2.5"), message: "inputs[1].default: 2.5 is below min (10)" },
      { ...at(text, "2.5"), message: "inputs[1].default: 2.5 is not a whole number, but the input is an integer" },
      { ...at(text, "2h"), message: "inputs[2].default: 2h is longer than max (1h)" },
      {
        ...at(text, "'[a-z'"),
        message: expect.stringMatching(/^inputs\[3\]\.pattern: is not a valid regular expression/),
      },
      { ...at(text, "abcd"), message: "inputs[3].default: is longer than maxLength (3)" },
      { ...at(text, "10.0.0.0/8"), message: 'inputs[4].default: "10.0.0.0/8" is not an IP address' },
    ]);
  });

  it("requires an action after every approval", () => {
    const lonely = runbook({
      steps: [...wait("before"), "  - id: approve", "    kind: approval", "    title: Approve", ...manual("after")],
    });
    expect(problemsOf(lonely)).toEqual([
      {
        ...at(lonely, "approval"),
        message:
          "steps[1].kind: an approval must be followed by at least one action step; otherwise there is nothing to approve",
      },
    ]);
    const covered = runbook({
      steps: ["  - id: approve", "    kind: approval", "    title: Approve", ...manual("between"), ...wait("after")],
    });
    expect(problemsOf(covered)).toEqual([]);
  });
});
