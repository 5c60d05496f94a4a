import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { hasRole } from "@/lib/roles";
import { runbookDefinition, type Condition, type RunbookDefinition } from "@/lib/runbooks/definition";
import { initialRun, transition } from "@/server/engine/machine/transition";
import type {
  Actor,
  Command,
  JobPhase,
  MachineRun,
  MachineStep,
  TransitionResult,
} from "@/server/engine/machine/types";

/**
 * A small world around the run state machine, for the property tests: the people who act on a
 * run, a job queue that loses, repeats and reorders jobs, workers that crash, actions that are
 * idempotent by key (run + step + attempt + phase) and count how often their effect happened,
 * and plans that change when the world does. Every command goes through `send`, which hands
 * each transition to the checkers before the world moves on.
 */

export const STARTER: Actor = { userId: "starter", role: "lead" };
export const PEOPLE: readonly Actor[] = [
  STARTER,
  { userId: "lead-a", role: "lead" },
  { userId: "lead-b", role: "lead" },
  { userId: "resp-a", role: "responder" },
  { userId: "resp-b", role: "responder" },
  { userId: "admin-a", role: "admin" },
  { userId: "viewer-a", role: "viewer" },
];
export const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
const RESPONDER = PEOPLE[3]!;
export const LIVENESS = "a run can always be brought to its end";
const LEAD = PEOPLE[1]!;

export type StepSpec =
  | { kind: "manual"; evidence: "none" | "optional" | "required"; when?: Condition }
  | { kind: "check"; expect: "pass" | "fail"; when?: Condition }
  /** defersPlan: its input uses an earlier step's output, so a plan made for an approval is deferred. */
  | { kind: "action"; compensation: boolean; defersPlan: boolean; when?: Condition }
  | { kind: "approval"; approvals: 1 | 2; role: "lead" | "responder"; expires: boolean; when?: Condition };

export type Scenario = { specs: StepSpec[]; inputs: Record<string, boolean>; waitingForLock: boolean };

export const stepIdOf = (index: number) => `s${index}`;

export function buildDefinition(specs: StepSpec[]): RunbookDefinition {
  return runbookDefinition.parse({
    id: "generated",
    title: "Generated",
    summary: "A runbook made up by the property tests.",
    risk: "high",
    inputs: [
      { name: "flag0", label: "Flag 0", type: "boolean" },
      { name: "flag1", label: "Flag 1", type: "boolean" },
    ],
    steps: specs.map((spec, index) => {
      const base = { id: stepIdOf(index), title: `Step ${index}`, ...(spec.when ? { when: spec.when } : {}) };
      switch (spec.kind) {
        case "manual":
          return { ...base, kind: "manual", instructions: "Do the thing.", evidence: spec.evidence };
        case "check":
          return { ...base, kind: "check", check: "test.flag", input: {}, expect: spec.expect };
        case "action":
          return {
            ...base,
            kind: "action",
            action: "test.record-effect",
            input: spec.defersPlan
              ? { label: `{{steps.${stepIdOf(Math.max(0, index - 1))}.output.summary}}` }
              : { label: "x" },
            ...(spec.compensation ? { compensation: { action: "test.undo-effect", input: {} } } : {}),
          };
        case "approval":
          return {
            ...base,
            kind: "approval",
            approvals: spec.approvals,
            role: spec.role,
            ...(spec.expires ? { expiresIn: "15m" } : {}),
          };
      }
    }),
  });
}

/** `when` conditions as the runbook format describes them, evaluated without the machine's code. */
export function conditionIsTrue(condition: Condition | undefined, inputs: Record<string, unknown>): boolean {
  if (!condition) return true;
  if ("not" in condition) return !conditionIsTrue(condition.not, inputs);
  if ("all" in condition) return condition.all.every((c) => conditionIsTrue(c, inputs));
  if ("any" in condition) return condition.any.some((c) => conditionIsTrue(c, inputs));
  if ("input" in condition && typeof condition.input === "string") return inputs[condition.input] === condition.equals;
  throw new Error("the model only generates conditions on inputs");
}

export type SimJob = { stepId: string; attempt: number; phase: JobPhase; resumed: boolean; forApproval?: string };
/** zombie: the sweeper declared it dead (its heartbeat was late) but it is still working. */
type Worker = { job: SimJob; zombie?: boolean };

export type Observation = {
  before: MachineRun;
  command: Command;
  result: TransitionResult;
  now: number;
  sim: Simulation;
};

/** One property: looks at every transition (and at the world once a run has settled), returns what is wrong. */
export type Checker = {
  name: string;
  afterCommand?(observation: Observation): string | undefined;
  atEnd?(sim: Simulation): string | undefined;
};

export class PropertyViolation extends Error {
  constructor(
    readonly property: string,
    message: string,
    trace: string[],
  ) {
    super(`${property}: ${message}\n--- last commands ---\n${trace.slice(-40).join("\n")}`);
  }
}

/** How a scenario ends: everyone completes the run, or it is aborted (at the end, or halfway through the moves). */
export type Ending = "complete" | "abort" | "abort_midway";

/** Raw random numbers the generator gives; `act` reads them against the current state. */
export type Choice = { op: number; a: number; b: number; c: number };

const keyOf = (job: Pick<SimJob, "stepId" | "attempt" | "phase">) => `${job.stepId}:${job.attempt}:${job.phase}`;

export class Simulation {
  readonly definition: RunbookDefinition;
  readonly defersPlan: ReadonlySet<string>;
  readonly inputs: Record<string, boolean>;
  run: MachineRun;
  now = T0;
  lockHeld: boolean;
  queue: SimJob[] = [];
  workers: Worker[] = [];
  /** Bumped to make an action's next plan differ from the last one. */
  world: Record<string, number> = {};
  /** Idempotency keys whose effect happened (an action applies its effect once per key). */
  appliedKeys = new Set<string>();
  /** How many times each step's effect / compensation happened in the world, over all attempts. */
  executed = new Map<string, number>();
  compensated = new Map<string, number>();
  /** Steps a person skipped (their effect, if any, stays: that was the person's decision). */
  personSkipped = new Set<string>();
  /** Step indexes in the order their compensation first started. */
  compensationOrder: number[] = [];
  /** Binding hashes and what they meant, to see that one hash never binds two different things. */
  bindings = new Map<string, string>();
  sent: Command[] = [];
  /** Audit events the run produced, by type: what the scenario went through. */
  events = new Map<string, number>();
  trace: string[] = [];

  constructor(
    scenario: Scenario,
    private readonly checkers: readonly Checker[],
  ) {
    this.definition = buildDefinition(scenario.specs);
    this.inputs = { ...scenario.inputs };
    this.defersPlan = new Set(
      scenario.specs.flatMap((spec, i) => (spec.kind === "action" && spec.defersPlan ? [stepIdOf(i)] : [])),
    );
    this.lockHeld = !scenario.waitingForLock;
    this.run = initialRun({
      definition: this.definition,
      runbookVersionId: "version-1",
      inputs: { ...scenario.inputs },
      inputsHash: createHash("sha256").update(JSON.stringify(this.inputs)).digest("hex"),
      startedBy: STARTER.userId,
      waitingForLock: scenario.waitingForLock,
    });
    const started = this.send({ type: "start" });
    if (!started.ok)
      throw new PropertyViolation("start", `the start was refused: ${started.refusal.message}`, this.trace);
  }

  get terminal() {
    return this.run.status === "succeeded" || this.run.status === "cancelled" || this.run.status === "refused";
  }

  fail(property: string, message: string): never {
    throw new PropertyViolation(property, message, this.trace);
  }

  /** Applies one command, lets every checker look at the transition, then moves the world on. */
  send(command: Command): TransitionResult {
    const before = this.run;
    const snapshot = structuredClone(before);
    const result = transition({ definition: this.definition, now: this.now }, before, command);
    this.sent.push(command);
    this.trace.push(
      `${describeCommand(command)} -> ${result.ok ? `ok, run ${result.run.status} [${result.run.steps.map((s) => `${s.id}:${s.status}`).join(" ")}]` : `refused ${result.refusal.code} (${result.refusal.message})`}`,
    );
    if (!isDeepStrictEqual(before, snapshot))
      this.fail("the input run is never mutated", `the machine changed the run it was given (${command.type})`);
    if (result.ok) {
      if (command.type === "lock_acquired") this.lockHeld = true;
      if (command.type === "skip") {
        const step = result.run.steps.find((s) => s.id === command.stepId);
        if (step?.status === "skipped") this.personSkipped.add(command.stepId);
      }
    }
    const observation: Observation = { before: snapshot, command, result, now: this.now, sim: this };
    for (const checker of this.checkers) {
      const problem = checker.afterCommand?.(observation);
      if (problem) this.fail(checker.name, problem);
    }
    if (result.ok) {
      this.run = result.run;
      for (const effect of result.effects) {
        if (effect.type === "audit") this.events.set(effect.eventType, (this.events.get(effect.eventType) ?? 0) + 1);
        if (effect.type !== "enqueue") continue;
        this.queue.push({
          stepId: effect.stepId,
          attempt: effect.attempt,
          phase: effect.phase,
          resumed: effect.resumed,
          ...(effect.forApproval ? { forApproval: effect.forApproval } : {}),
        });
      }
    }
    return result;
  }

  checkEnd() {
    for (const checker of this.checkers) {
      const problem = checker.atEnd?.(this);
      if (problem) this.fail(checker.name, problem);
    }
  }

  planHashOf(stepId: string) {
    return createHash("sha256")
      .update(`${stepId}@${this.world[stepId] ?? 0}`)
      .digest("hex");
  }

  /** The idempotent action: its effect happens once per key, however often it is called. */
  private applyEffect(job: SimJob) {
    if (job.phase !== "execute" && job.phase !== "compensate") return;
    const key = keyOf(job);
    if (this.appliedKeys.has(key)) return;
    this.appliedKeys.add(key);
    const counter = job.phase === "execute" ? this.executed : this.compensated;
    counter.set(job.stepId, (counter.get(job.stepId) ?? 0) + 1);
  }

  /** A worker takes a job off the queue: plans are computed at once; anything else starts. */
  deliver(job: SimJob, planOk = true) {
    if (job.phase === "plan") {
      const forApproval = job.forApproval ? { forApproval: job.forApproval } : {};
      if (job.forApproval && this.defersPlan.has(job.stepId)) {
        this.send({
          type: "plan_failed",
          stepId: job.stepId,
          attempt: job.attempt,
          error: "depends on an earlier step",
          deferred: true,
          ...forApproval,
        });
      } else if (planOk) {
        this.send({
          type: "plan_ready",
          stepId: job.stepId,
          attempt: job.attempt,
          planHash: this.planHashOf(job.stepId),
          ...forApproval,
        });
      } else {
        this.send({
          type: "plan_failed",
          stepId: job.stepId,
          attempt: job.attempt,
          error: "the target is unreachable",
          ...forApproval,
        });
      }
      return;
    }
    const started = this.send({ type: "job_started", stepId: job.stepId, attempt: job.attempt, phase: job.phase });
    if (started.ok) this.workers.push({ job });
  }

  /** A running worker ends its job. */
  finish(
    worker: Worker,
    outcome: "ok" | "fail" | "crash_after_effect" | "crash_before_effect",
    checkOk = true,
    unverified = false,
  ) {
    const { job } = worker;
    const phase = job.phase as Exclude<JobPhase, "plan">;
    const step = this.run.steps.find((s) => s.id === job.stepId);
    if (
      worker.zombie &&
      !(step?.status === "interrupted" && step.activeJob?.phase === phase && step.activeJob.attempt === job.attempt)
    ) {
      // A known gap, outside what this model checks: once a person resumed (or skipped) the
      // attempt a zombie still works on, two workers run one idempotency key, and the machine
      // cannot tell their reports apart (same step, attempt and phase). If one fails while the
      // other applies the effect, the step fails with its effect in place, and a retry applies it
      // again under a new key. Here a zombie that outlived its interruption dies quietly.
      this.workers = this.workers.filter((w) => w !== worker);
      return;
    }
    // An idempotent action whose key already applied its effect reports success again.
    const effective = outcome === "fail" && this.appliedKeys.has(keyOf(job)) ? "ok" : outcome;
    if (effective === "crash_after_effect" || effective === "crash_before_effect") {
      if (effective === "crash_after_effect") this.applyEffect(job);
      this.workers = this.workers.filter((w) => w !== worker);
      return;
    }
    this.workers = this.workers.filter((w) => w !== worker);
    if (effective === "ok") this.applyEffect(job);
    const ok = phase === "check" ? checkOk : effective === "ok";
    // A check may pass without verifying anything (no probe configured): it says so in its output.
    const output = ok
      ? { summary: "done", ...(phase === "check" && unverified ? { confirmByHand: "nothing to probe" } : {}) }
      : undefined;
    this.send({
      type: "job_finished",
      stepId: job.stepId,
      attempt: job.attempt,
      phase,
      ok,
      output,
      error: ok ? undefined : "it did not work",
    });
  }

  /** The sweeper's second job: queue again the jobs of steps that wait for one (sweep.ts, lostJobsOf). */
  sweep() {
    for (const step of this.run.steps) {
      if (step.status === "queued")
        this.queue.push({
          stepId: step.id,
          attempt: step.attempt,
          phase: step.kind === "check" ? "check" : "execute",
          resumed: false,
        });
      else if (step.status === "compensating" && !step.activeJob)
        this.queue.push({ stepId: step.id, attempt: step.compensationAttempt, phase: "compensate", resumed: false });
      else if (step.status === "planning" && step.coveredPlans) {
        for (const [id, plan] of Object.entries(step.coveredPlans))
          if (plan === null)
            this.queue.push({ stepId: id, attempt: step.attempt, phase: "plan", resumed: false, forApproval: step.id });
      } else if (step.status === "planning")
        this.queue.push({ stepId: step.id, attempt: step.attempt, phase: "plan", resumed: false });
    }
  }

  /** Where a person would look: the current step, or during an abort the step that blocks it. */
  focusStep(): MachineStep | undefined {
    if (this.run.aborting)
      return this.run.steps.find((s) =>
        ["compensation_failed", "interrupted", "compensating", "running", "queued"].includes(s.status),
      );
    return this.run.steps.find((s) => !["succeeded", "skipped", "not_applicable", "compensated"].includes(s.status));
  }

  /** The random moves; "abort_midway" aborts halfway through them, so compensations meet the same chaos. */
  play(choices: Choice[], ending: Ending) {
    const midway = ending === "abort_midway" ? Math.floor(choices.length / 2) : -1;
    for (const [i, choice] of choices.entries()) {
      if (i === midway && !this.terminal && !this.run.aborting)
        this.send({ type: "abort", actor: LEAD, reason: "rolling back" });
      this.act(choice);
    }
  }

  /**
   * One random move, read from raw numbers against the current state. Most moves are what the
   * engine and people would plausibly do next (so runs get to their end, fail, are retried,
   * interrupted, skipped and aborted); the rest are noise: crashes, lost and repeated jobs,
   * stale commands, the wrong person or step, time passing, the world changing under a plan.
   */
  act(choice: Choice) {
    const { op, a, b, c } = choice;
    if (op < 30 && this.queue.length > 0) {
      const index = a % this.queue.length;
      const job = this.queue[index]!;
      if (c % 6 !== 0) this.queue.splice(index, 1); // else: delivered twice
      // Sometimes the world changed since the action was last planned (for its approval, say).
      if (job.phase === "plan" && !job.forApproval && c % 3 === 1)
        this.world[job.stepId] = (this.world[job.stepId] ?? 0) + 1;
      this.deliver(job, b % 10 < 8);
    } else if (op < 45 && this.workers.length > 0) {
      const worker = this.workers[a % this.workers.length]!;
      const roll = b % 20;
      const okBelow = worker.job.phase === "compensate" ? 10 : 13; // undoing is where things go wrong
      this.finish(
        worker,
        roll < okBelow ? "ok" : roll < 16 ? "fail" : roll < 18 ? "crash_after_effect" : "crash_before_effect",
        c % 3 !== 0,
        c % 5 === 0,
      );
    } else if (op < 75) {
      this.plausible(choice);
    } else if (op < 79) {
      // The sweeper finds a step whose heartbeat is stale: the worker died (or, sometimes, is only slow).
      const running = this.run.steps.filter(
        (s) => s.status === "running" || (s.status === "compensating" && s.activeJob),
      );
      const step =
        running.length > 0 && b % 5 !== 0 ? running[a % running.length]! : this.run.steps[a % this.run.steps.length]!;
      for (const worker of this.workers.filter((w) => w.job.stepId === step.id)) {
        if (b % 3 === 0) worker.zombie = true;
        else this.finish(worker, c % 2 === 0 ? "crash_after_effect" : "crash_before_effect");
      }
      this.send({ type: "interrupt", stepId: step.id });
    } else if (op < 81) {
      if (this.queue.length > 0) this.queue.splice(a % this.queue.length, 1); // lost between commit and queueing
    } else if (op < 83) {
      this.sweep();
    } else if (op < 91) {
      this.person(choice);
    } else if (op < 94) {
      this.now += (a % 40) * 60_000;
    } else if (op < 96) {
      const actions = this.run.steps.filter((s) => s.kind === "action");
      if (actions.length > 0) {
        const id = actions[a % actions.length]!.id;
        this.world[id] = (this.world[id] ?? 0) + 1;
      }
    } else if (op < 97) {
      this.send({ type: "lock_acquired" });
    } else {
      if (this.sent.length === 0) return;
      // A command sent again: a double submit, a job delivered twice, a stale attempt. A job's
      // result only ever comes from its worker, so a repeated result names a job nobody runs.
      const command = structuredClone(this.sent[a % this.sent.length]!);
      if ("attempt" in command && b % 3 !== 0) command.attempt += b % 2 === 0 ? 1 : -1;
      if (command.type === "job_finished") {
        const active = this.run.steps.find((s) => s.id === command.stepId)?.activeJob;
        if (active && active.phase === command.phase && active.attempt === command.attempt) command.attempt += 1;
      }
      this.send(command);
    }
  }

  /** What someone looking at the run page would do next, with the odd refusal, skip or abort. */
  private plausible({ a, b, c }: Choice) {
    const run = this.run;
    if (run.status === "queued" && !run.aborting) return void this.send({ type: "lock_acquired" });
    const roll = b % 100;
    // Aborts come more often once something may need undoing.
    const undoable = run.steps.some(
      (s, i) =>
        this.definition.steps[i]!.compensation && (s.status === "succeeded" || s.activeJob?.phase === "execute"),
    );
    if (!run.aborting && roll < (undoable ? 8 : 1))
      return void this.send({ type: "abort", actor: a % 2 === 0 ? STARTER : LEAD, reason: "wrong service" });
    const focus = this.focusStep();
    if (!focus) return;
    // Now and then the right command comes from the wrong person (the starter, a viewer, a responder).
    const anyone = (c >> 5) % 8 === 0 ? PEOPLE[(a >> 3) % PEOPLE.length] : undefined;
    const lead = anyone ?? PEOPLE[[0, 1, 2, 5][a % 4]!]!;
    if (!run.aborting && roll < 7)
      return void this.send({ type: "skip", stepId: focus.id, actor: lead, reason: "done by hand" });
    const someone = anyone ?? PEOPLE[[1, 2, 3, 4, 5, 0][a % 6]!]!;
    switch (focus.status) {
      case "waiting_operator": {
        const command: Command =
          focus.kind === "manual" || focus.kind === "check"
            ? {
                type: "confirm",
                stepId: focus.id,
                actor: someone,
                evidence: c % 4 === 0 ? null : { note: `looked at dashboard ${c % 7}` },
              }
            : { type: "execute", stepId: focus.id, actor: someone };
        this.send(command);
        if (c % 5 === 0)
          this.send({ ...command, ...(command.type === "confirm" ? { evidence: { note: "submitted twice" } } : {}) }); // a double submit
        return;
      }
      case "waiting_approval": {
        const definition = this.definition.steps.find((s) => s.id === focus.id);
        const eligible = PEOPLE.filter(
          (p) => p.userId !== STARTER.userId && definition?.kind === "approval" && hasRole(p.role, definition.role),
        );
        const approver = anyone ?? eligible[a % eligible.length]!;
        // Approvers take their time: an approval with an expiry may lapse before the next one comes.
        if (definition?.kind === "approval" && definition.expiresIn && roll >= 15 && roll < 40) this.now += 20 * 60_000;
        // Sometimes the page they decide on is stale: it showed an earlier binding.
        const seen = [...this.bindings.keys()];
        const bindingHash = roll >= 90 && seen.length > 0 ? seen[c % seen.length]! : (focus.bindingHash ?? "");
        // An approval asked again (its plans changed) is refused more often.
        if (roll < (focus.attempt > 1 ? 30 : 12))
          return void this.send({ type: "refuse", stepId: focus.id, actor: approver, bindingHash, comment: "not now" });
        return void this.send({ type: "approve", stepId: focus.id, actor: approver, bindingHash });
      }
      case "failed":
      case "interrupted":
      case "compensation_failed":
        if (roll < 20) return void this.send({ type: "skip", stepId: focus.id, actor: lead, reason: "done by hand" });
        return void this.send({ type: "retry", stepId: focus.id, actor: someone });
      default:
        if (this.workers.some((w) => w.job.stepId === focus.id)) return;
        if (focus.status === "running" || (focus.status === "compensating" && focus.activeJob))
          return void this.send({ type: "interrupt", stepId: focus.id });
        if (this.queue.length === 0) this.sweep();
    }
  }

  private person({ a, b, c }: Choice) {
    const actor = PEOPLE[a % PEOPLE.length]!;
    const focus = this.focusStep();
    const pick = c % 10;
    // The step on screen, the one just done (a stale page), any step, or none at all.
    const done = focus
      ? this.run.steps
          .slice(0, this.run.steps.indexOf(focus))
          .filter((s) => s.status === "succeeded")
          .at(-1)
      : undefined;
    const stepId =
      pick < 6 && focus
        ? focus.id
        : pick < 8 && done
          ? done.id
          : pick < 9
            ? stepIdOf(c % this.run.steps.length)
            : "ghost";
    const step = this.run.steps.find((s) => s.id === stepId);
    const variant = (c >> 4) % 5;
    const reason = (c >> 7) % 5 === 0 ? "no" : "not needed for this incident";
    const kind = b % 40; // mostly allowed kinds of command, on the wrong step or by the wrong person
    if (kind < 6) {
      const evidence = variant < 2 ? { note: `checked dashboard ${a % 5}` } : variant < 4 ? null : { note: "   " };
      this.send({ type: "confirm", stepId, actor, evidence });
    } else if (kind < 12) {
      this.send({ type: "execute", stepId, actor });
    } else if (kind < 23) {
      const stale = [...this.bindings.keys()];
      const bindingHash =
        variant < 3
          ? (step?.bindingHash ?? "none")
          : variant === 3 && stale.length > 0
            ? stale[a % stale.length]!
            : "0".repeat(64);
      // Approvals mostly come from someone allowed to give them, so that runs get past them.
      const approver = b % 3 === 0 ? actor : PEOPLE[1 + ((a >> 3) % 5)]!;
      this.send({
        type: kind < 21 ? "approve" : "refuse",
        stepId,
        actor: approver,
        bindingHash,
        ...(kind < 21 ? {} : { comment: "not now" }),
      } as Command);
    } else if (kind < 31) {
      this.send({ type: "retry", stepId, actor });
    } else if (kind < 38) {
      this.send({ type: "skip", stepId, actor, reason });
    } else {
      this.send({ type: "abort", actor, reason });
    }
  }

  /**
   * Everyone cooperates from here on: jobs run and succeed, dead workers are found, people
   * confirm, execute, approve and retry. The run must end (succeeded, refused when an approver refused, or cancelled when it was
   * aborted) within a bounded number of moves; a state with no way forward is a bug.
   */
  settle(ending: Ending, { mustEnd = false, limit = 400 } = {}): boolean {
    const mode = ending === "complete" ? "complete" : "abort";
    const stuck = (message: string) => {
      if (mustEnd) this.fail(LIVENESS, message);
      return false;
    };
    if (mode === "abort" && !this.terminal && !this.run.aborting)
      this.send({ type: "abort", actor: LEAD, reason: "rolling back" });
    for (let move = 0; move < limit && !this.terminal; move++) {
      if (!this.cooperate()) return stuck(`no move brings the run forward from status ${this.run.status}`);
    }
    if (!this.terminal)
      return stuck(`the run did not end within ${limit} cooperative moves (status ${this.run.status})`);
    const expected = !this.run.aborting
      ? "succeeded"
      : this.run.steps.some((s) => s.status === "refused")
        ? "refused"
        : "cancelled";
    if (this.run.status !== expected) return stuck(`it ended ${this.run.status}, expected ${expected}`);
    return true;
  }

  private cooperate(): boolean {
    const run = this.run;
    if (run.status === "queued" && !run.aborting) return (this.send({ type: "lock_acquired" }), true);
    const worker = this.workers[0];
    if (worker) {
      const definition = this.definition.steps.find((s) => s.id === worker.job.stepId);
      this.finish(worker, "ok", !(definition?.kind === "check" && definition.expect === "fail"));
      return true;
    }
    const job = this.queue.shift();
    if (job) return (this.deliver(job), true);
    const orphan = run.steps.find((s) => s.status === "running" || (s.status === "compensating" && s.activeJob));
    if (orphan) return (this.send({ type: "interrupt", stepId: orphan.id }), true);
    const focus = this.focusStep();
    if (!focus) return false;
    if (focus.status === "planning" || focus.status === "queued" || focus.status === "compensating") {
      const queued = this.queue.length;
      this.sweep();
      return this.queue.length > queued;
    }
    if (focus.status === "failed" || focus.status === "interrupted" || focus.status === "compensation_failed") {
      return this.send({ type: "retry", stepId: focus.id, actor: RESPONDER }).ok;
    }
    if (focus.status === "waiting_operator" && (focus.kind === "manual" || focus.kind === "check"))
      return this.send({ type: "confirm", stepId: focus.id, actor: RESPONDER, evidence: { note: "done" } }).ok;
    if (focus.status === "waiting_operator" && focus.kind === "action")
      return this.send({ type: "execute", stepId: focus.id, actor: RESPONDER }).ok;
    if (focus.status === "waiting_approval") {
      const definition = this.definition.steps.find((s) => s.id === focus.id)!;
      if (definition.kind !== "approval") return false;
      // Whoever may decide and has no decision that still counts; those whose approval lapsed come back first.
      const lapsed = (p: Actor) =>
        focus.approvals.some(
          (a) => a.userId === p.userId && a.attempt === focus.attempt && !a.voided && isExpired(a, this.now),
        );
      const approver = [...PEOPLE.filter(lapsed), ...PEOPLE].find(
        (p) =>
          p.userId !== STARTER.userId &&
          hasRole(p.role, definition.role) &&
          !focus.approvals.some(
            (a) => a.userId === p.userId && a.attempt === focus.attempt && !a.voided && !isExpired(a, this.now),
          ),
      );
      if (!approver) return false;
      return this.send({ type: "approve", stepId: focus.id, actor: approver, bindingHash: focus.bindingHash ?? "" }).ok;
    }
    return false;
  }
}

export function isExpired(approval: { expiresAt: number | null }, now: number) {
  return approval.expiresAt !== null && approval.expiresAt <= now;
}

function describeCommand(command: Command): string {
  const { type, ...rest } = command;
  const parts = Object.entries(rest).map(
    ([k, v]) =>
      `${k}=${k === "actor" ? (v as Actor).userId : typeof v === "string" && v.length > 20 ? `${v.slice(0, 8)}…` : JSON.stringify(v)}`,
  );
  return `${type}(${parts.join(", ")})`;
}
