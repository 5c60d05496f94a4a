import { completeRotation } from "../../../secrets/rotation/retire";
import { rotationState, versionLabel } from "../../../secrets/rotation/state";
import type { ActionDefinition } from "../../actions/types";
import { describeGrace, graceInput, graceSecondsFor, rotationActor, type GraceInput } from "./shared";

/**
 * Phase 5: the rotation ends. The version it replaced is retired at once when its grace period
 * is over (or zero); otherwise it stays previous and the retirement sweep retires it when the
 * period ends. Either way the run releases its claim on the secret and finishes, so the run
 * does not sit open (holding its lock) for a day.
 */
export const retirePreviousAction: ActionDefinition<GraceInput> = {
  name: "secret.retire-previous",
  title: "Retire the replaced value",
  description:
    "Retires the value this rotation replaced once its grace period has passed (at once, or automatically later), and ends the rotation.",
  input: graceInput,
  async plan({ secret, graceHours }, context) {
    const state = await rotationState(context.db, secret, context.runId);
    // The same plan before and after the promotion (an approval covers both): the replaced
    // version is current before, previous after.
    const replaced =
      state.ours?.label === "pending" ? state.current : state.ours?.label === "current" ? state.previous : null;
    const claim = {
      target: `rotation claim on ${secret}`,
      description: "released: the rotation is over",
      before: "held by this run",
      after: "free",
    };
    if (!replaced)
      return {
        summary: `No version of ${secret} is left to retire; the rotation's claim is released.`,
        changes: [claim],
      };
    const grace = graceSecondsFor(state.secret, graceHours);
    if (grace === 0) {
      return {
        summary: `Retire ${versionLabel(replaced)}, which this rotation replaced: it stops being accepted now. The rotation of ${secret} ends.`,
        changes: [
          {
            target: `${secret} ${versionLabel(replaced)}`,
            description: "no grace period",
            before: "previous",
            after: "retired",
          },
          claim,
        ],
      };
    }
    return {
      summary: `${versionLabel(replaced)}, which this rotation replaced, stays accepted for ${describeGrace(grace)} after promotion; then Keel retires it automatically (at once if that time has passed). The rotation of ${secret} ends.`,
      changes: [
        {
          target: `${secret} ${versionLabel(replaced)}`,
          description: `retired when its grace period of ${describeGrace(grace)} ends`,
          before: "previous",
          after: "retired at the end of the grace period",
        },
        claim,
      ],
    };
  },
  async execute({ secret }, context) {
    const end = await completeRotation(context.db, rotationActor(), {
      name: secret,
      runId: context.runId,
      now: new Date(),
    });
    const label = end.previous ? `v${end.previous} (${end.fingerprint})` : null;
    const summary = !label
      ? `No replaced version to retire; the rotation of ${secret} is finished.`
      : end.retiredNow
        ? `Retired ${label}: it is no longer accepted. The rotation of ${secret} is finished.`
        : `${label} stays accepted until ${end.retiresAt!.toISOString()}; Keel retires it then. The rotation of ${secret} is finished.`;
    return {
      summary,
      output: {
        previous: end.previous,
        retiredNow: end.retiredNow,
        retiresAt: end.retiresAt?.toISOString() ?? null,
        claimReleased: end.claimReleased,
      },
    };
  },
};
