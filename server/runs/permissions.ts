import { hasRole, type Role } from "@/lib/roles";
import { transition } from "../engine/machine/transition";
import type { Actor, Command, MachineContext, MachineRun } from "../engine/machine/types";

/**
 * The role each of the runs router's commands needs (server/routers/runs.ts; a test holds the two
 * together). The procedure refuses anyone below it before the state machine is asked, so the page
 * must not offer it either. `decide` is the approve and refuse procedures.
 */
export const COMMAND_ROLES = {
  confirm: "responder",
  execute: "responder",
  decide: "responder",
  retry: "responder",
  skip: "lead",
  abort: "responder",
} as const satisfies Record<string, Role>;

export type StepPermissions = { confirm: boolean; execute: boolean; decide: boolean; retry: boolean; skip: boolean };

/**
 * The words a person gives with a command (a reason, evidence) are checked when they act; the dry
 * run gives well-formed ones, so that it asks only whether the run's state and the viewer allow it.
 */
const WELL_FORMED_TEXT = "a reason given when acting";

/**
 * What `viewer` may do to the step `stepId` now: each command their role's procedure allows,
 * dry-run through the state machine, which decides everything else (the step is current and in
 * the right status, the viewer did not start the run or decide already, the approval role, …).
 */
export function stepPermissions(context: MachineContext, run: MachineRun, viewer: Actor, stepId: string) {
  const step = run.steps.find((s) => s.id === stepId);
  const may = (name: keyof typeof COMMAND_ROLES, command: Command) =>
    hasRole(viewer.role, COMMAND_ROLES[name]) && transition(context, run, command).ok;
  const actor = viewer;
  return {
    confirm: may("confirm", { type: "confirm", stepId, actor, evidence: { note: WELL_FORMED_TEXT } }),
    execute: may("execute", { type: "execute", stepId, actor }),
    decide: may("decide", { type: "approve", stepId, actor, bindingHash: step?.bindingHash ?? "" }),
    retry: may("retry", { type: "retry", stepId, actor }),
    skip: may("skip", { type: "skip", stepId, actor, reason: WELL_FORMED_TEXT }),
  } satisfies StepPermissions;
}

/** Whether `viewer` may abort the run now (its starter or a lead, while it has not ended or begun aborting). */
export function mayAbort(context: MachineContext, run: MachineRun, viewer: Actor): boolean {
  return (
    hasRole(viewer.role, COMMAND_ROLES.abort) &&
    transition(context, run, { type: "abort", actor: viewer, reason: WELL_FORMED_TEXT }).ok
  );
}
