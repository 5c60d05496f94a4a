import { eq, max } from "drizzle-orm";
import { secretVersions, type PlannedChange } from "@/db/schema";
import { AppError } from "../../../errors";
import { createPendingVersion, discardPendingVersion } from "../../../secrets/rotation/pending";
import { describeRun, rotationState, versionLabel } from "../../../secrets/rotation/state";
import type { ActionDefinition } from "../../actions/types";
import { rotationActor, secretInput, type SecretInput } from "./shared";

/** Phase 1 of a rotation: a new value, stored encrypted as pending, and the claim on the secret. */
export const createPendingAction: ActionDefinition<SecretInput> = {
  name: "secret.create-pending",
  title: "Create the pending value",
  description:
    "Generates a new value per the secret's policy, stores it encrypted labelled pending, and claims the secret for this run.",
  input: secretInput,
  async plan({ secret: name }, context) {
    const state = await rotationState(context.db, name, context.runId);
    const { secret, current, ours } = state;
    if (ours)
      return { summary: `This run already created ${versionLabel(ours)} of ${name}; nothing changes.`, changes: [] };
    const holder =
      secret.rotationRunId && secret.rotationRunId !== context.runId
        ? secret.rotationRunId
        : (state.pending?.createdByRunId ?? null);
    if (holder)
      throw AppError.field(
        "secret",
        `The secret "${name}" is already being rotated by ${(await describeRun(context.db, holder)).text}. Finish or abort that run first.`,
        "CONFLICT",
      );
    const [top] = await context.db
      .select({ n: max(secretVersions.version) })
      .from(secretVersions)
      .where(eq(secretVersions.secretId, secret.id));
    const next = (top?.n ?? 0) + 1;
    const run = await describeRun(context.db, context.runId);
    return {
      summary: `Generate a new value for ${name} (${secret.policy.length} ${secret.policy.alphabet} characters), store it encrypted as v${next} labelled pending, and claim ${name} for this run until the rotation ends. Nothing uses the new value yet.`,
      changes: [
        {
          target: `secret ${name}`,
          description: `new version v${next}, labelled pending`,
          before: current ? `current ${versionLabel(current)}` : "no current value",
          after: `current ${current ? versionLabel(current) : "none"}, pending v${next} (new value)`,
        },
        {
          target: `rotation claim on ${name}`,
          description: "at most one rotation of a secret is in flight",
          before: "free",
          after: run.runNumber ? `held by run ${run.runNumber}` : "held by this run",
        },
      ],
    };
  },
  async execute({ secret }, context) {
    const pending = await createPendingVersion(context.db, rotationActor(), { name: secret, runId: context.runId });
    context.registerSecret(pending.value);
    const label = versionLabel(pending);
    context.log(
      pending.created
        ? `Stored pending ${label}, encrypted.`
        : `This run had already created pending ${label}; nothing new was created.`,
      "info",
    );
    return {
      summary: pending.created
        ? `Created pending ${label}.`
        : `Pending ${label} already existed; nothing new was created.`,
      output: { version: pending.version, fingerprint: pending.fingerprint, created: pending.created },
    };
  },
};

/** Compensation of phase 1: the pending version goes and the claim is released (after a promotion, only the claim). */
export const discardPendingAction: ActionDefinition<SecretInput> = {
  name: "secret.discard-pending",
  title: "Discard the pending value",
  description: "Removes the pending version this run created and releases the run's claim on the secret.",
  input: secretInput,
  async plan({ secret: name }, context) {
    const { ours, secret } = await rotationState(context.db, name, context.runId);
    const changes: PlannedChange[] = [];
    if (ours?.label === "pending")
      changes.push({
        target: `secret ${name}`,
        description: `remove pending ${versionLabel(ours)}`,
        before: "pending",
        after: "removed",
      });
    if (secret.rotationRunId === context.runId)
      changes.push({
        target: `rotation claim on ${name}`,
        description: "release",
        before: "held by this run",
        after: "free",
      });
    return {
      summary: changes.length
        ? `Discard this run's pending value of ${name} and release the claim.`
        : `Nothing to discard for ${name}.`,
      changes,
    };
  },
  async execute({ secret }, context) {
    const result = await discardPendingVersion(context.db, rotationActor(), { name: secret, runId: context.runId });
    const parts = [
      result.discarded ? `removed pending v${result.discarded}` : "no pending version to remove",
      result.released ? "released the claim" : "no claim held",
    ];
    return {
      summary: `${secret}: ${parts.join(", ")}.`,
      output: { discarded: result.discarded, claimReleased: result.released },
    };
  },
};
