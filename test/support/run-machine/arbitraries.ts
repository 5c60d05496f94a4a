import fc from "fast-check";
import type { Condition } from "@/lib/runbooks/definition";
import type { Choice, Ending, Scenario, StepSpec } from "./model";

const rarely = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const flag = fc.constantFrom("flag0", "flag1");
const onInput = fc.record({ input: flag, equals: fc.boolean() });

/** Most steps always apply; some depend on a boolean input. */
export const conditionArb: fc.Arbitrary<Condition | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: onInput },
  { weight: 1, arbitrary: onInput.map((c): Condition => ({ not: c })) },
);

export const stepSpecArb: fc.Arbitrary<StepSpec> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("manual" as const),
      evidence: fc.constantFrom("none" as const, "optional" as const, "required" as const),
      when: conditionArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("check" as const),
      expect: fc.constantFrom("pass" as const, "fail" as const),
      when: conditionArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("action" as const),
      compensation: fc.boolean(),
      defersPlan: rarely,
      when: conditionArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("approval" as const),
      approvals: fc.constantFrom(1 as const, 2 as const),
      role: fc.constantFrom("lead" as const, "responder" as const),
      expires: fc.boolean(),
      when: conditionArb,
    }),
  },
);

const actionArb = fc.record({
  kind: fc.constant("action" as const),
  compensation: fc.boolean(),
  defersPlan: rarely,
  when: conditionArb,
});
const approvalArb = fc.record({
  kind: fc.constant("approval" as const),
  approvals: fc.constantFrom(1 as const, 2 as const),
  role: fc.constantFrom("lead" as const, "responder" as const),
  expires: fc.boolean(),
  when: conditionArb,
});

/** An approval and the actions it covers, with the odd manual step or check between them. */
const approvalBlockArb: fc.Arbitrary<StepSpec[]> = fc
  .tuple(
    approvalArb,
    fc.array(fc.oneof({ weight: 3, arbitrary: actionArb }, { weight: 1, arbitrary: stepSpecArb }), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([approval, covered]) => [approval, ...covered]);

/** Runbooks of 1 to 8 steps: any mix, or approvals each followed by the actions they cover. */
const specsArb: fc.Arbitrary<StepSpec[]> = fc.oneof(
  { weight: 2, arbitrary: fc.array(stepSpecArb, { minLength: 1, maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.array(approvalBlockArb, { minLength: 1, maxLength: 3 }).map((blocks) => blocks.flat().slice(0, 8)),
  },
);

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  specs: specsArb,
  inputs: fc.record({ flag0: fc.boolean(), flag1: fc.boolean() }),
  waitingForLock: rarely,
});

export const choicesArb: fc.Arbitrary<Choice[]> = fc.array(
  fc.record({ op: fc.nat(99), a: fc.nat(1023), b: fc.nat(1023), c: fc.nat(1023) }),
  { minLength: 20, maxLength: 60, size: "max" },
);

export const endingArb: fc.Arbitrary<Ending> = fc.constantFrom("complete", "abort", "abort_midway");
