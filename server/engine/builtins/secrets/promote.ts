import type { PlannedChange } from "@/db/schema";
import { AppError } from "../../../errors";
import { promotePendingVersion } from "../../../secrets/rotation/promote";
import { rotationState, versionLabel } from "../../../secrets/rotation/state";
import type { ActionDefinition } from "../../actions/types";
import { describeGrace, graceInput, graceSecondsFor, rotationActor, type GraceInput } from "./shared";

/** Phase 4: the pending value becomes current; the old current stays accepted as previous for the grace period. */
export const promoteAction: ActionDefinition<GraceInput> = {
  name: "secret.promote",
  title: "Promote the pending value to current",
  description:
    "Makes the pending value current and the current one previous (still accepted during the grace period); records when the secret was rotated.",
  highRisk: true,
  input: graceInput,
  async plan({ secret, graceHours }, context) {
    const state = await rotationState(context.db, secret, context.runId);
    const { ours, current, previous } = state;
    if (ours && ours.label !== "pending")
      return {
        summary: `${versionLabel(ours)} of ${secret} was already promoted by this run; nothing changes.`,
        changes: [],
      };
    if (!ours)
      throw AppError.field(
        "secret",
        `This run has no pending value of "${secret}" to promote; the create-pending step must succeed first.`,
        "PRECONDITION_FAILED",
      );
    const graceSeconds = graceSecondsFor(state.secret, graceHours);
    const grace = describeGrace(graceSeconds);
    const changes: PlannedChange[] = [
      {
        target: `${secret} ${versionLabel(ours)}`,
        description: "becomes the value in use",
        before: "pending",
        after: "current",
      },
    ];
    if (current)
      changes.push({
        target: `${secret} ${versionLabel(current)}`,
        description: "still accepted by verifiers during the grace period",
        before: "current",
        after:
          graceSeconds === 0
            ? "previous, retired when the rotation finishes"
            : `previous for ${grace} after promotion, then retired`,
      });
    const warnings = previous
      ? [
          `${versionLabel(previous)} is still previous from an earlier rotation (grace until ${previous.retireAfter?.toISOString() ?? "not set"}); promoting retires it now, so anything still using it stops working.`,
        ]
      : undefined;
    if (previous)
      changes.push({
        target: `${secret} ${versionLabel(previous)}`,
        description: "retired early",
        before: "previous",
        after: "retired",
      });
    return {
      summary: `Make ${versionLabel(ours)} the current value of ${secret}${current ? `; ${versionLabel(current)} becomes previous (${graceSeconds === 0 ? "no grace period" : `accepted for ${grace}`})` : ""}.`,
      changes,
      ...(warnings ? { warnings } : {}),
    };
  },
  async execute({ secret, graceHours }, context) {
    const state = await rotationState(context.db, secret, context.runId);
    const promotion = await promotePendingVersion(context.db, rotationActor(), {
      name: secret,
      runId: context.runId,
      graceSeconds: graceSecondsFor(state.secret, graceHours),
      now: new Date(),
    });
    const label = `v${promotion.promoted} (${promotion.fingerprint})`;
    const previous = promotion.previous
      ? `; v${promotion.previous} is previous until ${promotion.retireAfter?.toISOString() ?? "its retirement"}`
      : "";
    return {
      summary: promotion.alreadyDone
        ? `${label} was already current; nothing changed.`
        : `${label} is now the current value of ${secret}${previous}.`,
      output: {
        current: promotion.promoted,
        fingerprint: promotion.fingerprint,
        previous: promotion.previous,
        previousRetiresAt: promotion.retireAfter?.toISOString() ?? null,
        retiredEarly: promotion.retiredEarly,
      },
    };
  },
};
