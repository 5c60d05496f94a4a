import type { PlannedChange } from "@/db/schema";
import { appendAuditEvent } from "../../../audit/append";
import { fingerprintSecret } from "../../../audit/fingerprint";
import { AppError } from "../../../errors";
import { consumersOf, type SecretConsumer } from "../../../secrets/consumers/consumers";
import { deliverToConsumer, readConsumerValue } from "../../../secrets/consumers/deliver";
import { describeSink } from "../../../secrets/consumers/kind";
import { readOwnPending } from "../../../secrets/rotation/pending";
import { rotationState, versionLabel, versionValue, type RotationState } from "../../../secrets/rotation/state";
import type { ActionDefinition, StepContext } from "../../actions/types";
import { rotationActor, secretInput, type SecretInput } from "./shared";

type Known = { label: string; fingerprint: string };

/** What a consumer holds now, by fingerprint, named after the version it matches. */
function before(consumer: SecretConsumer, known: Known[]): string {
  const read = readConsumerValue(consumer);
  if (!read.readable) return `not readable back; expected ${known[0] ? known[0].label : "nothing"}`;
  if (read.value === null) return "not set";
  const fingerprint = fingerprintSecret(read.value);
  return known.find((k) => k.fingerprint === fingerprint)?.label ?? `${fingerprint} (a value Keel does not know)`;
}

function consumerChanges(consumers: SecretConsumer[], after: Known, known: Known[]): PlannedChange[] {
  return consumers.map((consumer) => ({
    target: `consumer ${consumer.name}`,
    description: describeSink(consumer.config.sink),
    before: before(consumer, known),
    after: after.label,
  }));
}

function knownVersions(state: RotationState): Known[] {
  return [state.current, state.pending, state.previous]
    .filter((v) => v !== null)
    .map((v) => ({ label: `${v.label} ${versionLabel(v)}`, fingerprint: v.fingerprint }));
}

/**
 * Writes `value` to every consumer, in order. When one fails, those already written get
 * `fallback` back, so a failed distribution leaves every consumer as it was.
 */
async function deliverAll(
  consumers: SecretConsumer[],
  value: string,
  fallback: string | null,
  context: StepContext,
): Promise<string[]> {
  const written: SecretConsumer[] = [];
  const delivery = { log: (line: string) => context.log(line), signal: context.signal };
  for (const [index, consumer] of consumers.entries()) {
    try {
      await deliverToConsumer(consumer, value, delivery);
      written.push(consumer);
      context.progress((index + 1) / consumers.length, `${index + 1} of ${consumers.length} consumers`);
    } catch (error) {
      let restored = 0;
      if (fallback !== null) {
        for (const done of written.reverse()) {
          try {
            await deliverToConsumer(done, fallback, delivery);
            restored++;
          } catch (restoreError) {
            context.log(
              `could not set ${done.name} back: ${restoreError instanceof Error ? restoreError.message : String(restoreError)}`,
              "stderr",
            );
          }
        }
      }
      const undo =
        written.length === 0
          ? "No consumer was changed."
          : `${restored} of ${written.length} consumers already written were set back to the current value.`;
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}. ${undo} Fix the consumer and retry this step, or abort the run.`,
      );
    }
  }
  return written.map((c) => c.name);
}

/** Phase 2: every consumer of the secret receives the pending value. */
export const distributeAction: ActionDefinition<SecretInput> = {
  name: "secret.distribute",
  title: "Give the pending value to every consumer",
  description:
    "Writes the pending value to each configured consumer of the secret (env file, HTTP, command); plans show fingerprints only.",
  input: secretInput,
  async plan({ secret }, context) {
    const { state, pending } = await readOwnPending(context.db, { name: secret, runId: context.runId });
    if (!pending)
      throw AppError.field(
        "secret",
        `This run has no pending value of "${secret}" to distribute; the create-pending step must succeed first.`,
        "PRECONDITION_FAILED",
      );
    const consumers = await consumersOf(context.db, secret);
    const target = { label: `pending ${versionLabel(pending)}`, fingerprint: pending.fingerprint };
    if (consumers.length === 0) {
      return {
        summary: `No consumers are configured for ${secret}: nothing is written. Services that read it from Keel's secret store see it once promoted.`,
        changes: [],
        warnings: [`Add a secret-consumer target for each service that holds a copy of ${secret}.`],
      };
    }
    return {
      summary: `Write pending ${versionLabel(pending)} to ${consumers.length} consumer${consumers.length === 1 ? "" : "s"} of ${secret}. The current value keeps working until the promotion.`,
      changes: consumerChanges(consumers, target, knownVersions(state)),
    };
  },
  async execute({ secret }, context) {
    const { state, pending } = await readOwnPending(context.db, { name: secret, runId: context.runId });
    if (!pending)
      throw AppError.field(
        "secret",
        `This run has no pending value of "${secret}" to distribute.`,
        "PRECONDITION_FAILED",
      );
    context.registerSecret(pending.value);
    const fallback = state.current ? versionValue(state.secret, state.current) : null;
    if (fallback) context.registerSecret(fallback);
    const consumers = await consumersOf(context.db, secret);
    try {
      const written = await deliverAll(consumers, pending.value, fallback, context);
      await appendAuditEvent(context.db, rotationActor(), {
        eventType: "secret.distributed",
        outcome: "success",
        entityType: "secret",
        entityId: secret,
        meta: { name: secret, runId: context.runId, version: versionLabel(pending), consumers: written },
      });
      return {
        summary: `Wrote pending ${versionLabel(pending)} to ${written.length} consumer${written.length === 1 ? "" : "s"}${written.length ? `: ${written.join(", ")}` : ""}.`,
        output: { version: pending.version, fingerprint: pending.fingerprint, consumers: written },
      };
    } catch (error) {
      await appendAuditEvent(context.db, rotationActor(), {
        eventType: "secret.distribution_failed",
        outcome: "failure",
        entityType: "secret",
        entityId: secret,
        meta: {
          name: secret,
          runId: context.runId,
          version: versionLabel(pending),
          error: error instanceof Error ? error.message : String(error),
        },
      });
      throw error;
    }
  },
};

/** Compensation of phase 2: every consumer gets the current value back. */
export const restoreConsumersAction: ActionDefinition<SecretInput> = {
  name: "secret.restore-consumers",
  title: "Give every consumer the current value again",
  description:
    "Writes the secret's current value to each of its consumers, undoing a distribution that will not be promoted.",
  input: secretInput,
  async plan({ secret }, context) {
    const state = await rotationState(context.db, secret, context.runId);
    if (!state.current) return { summary: `${secret} has no current value to restore.`, changes: [] };
    const consumers = await consumersOf(context.db, secret);
    return {
      summary: `Write current ${versionLabel(state.current)} to ${consumers.length} consumers of ${secret}.`,
      changes: consumerChanges(
        consumers,
        { label: `current ${versionLabel(state.current)}`, fingerprint: state.current.fingerprint },
        knownVersions(state),
      ),
    };
  },
  async execute({ secret }, context) {
    const state = await rotationState(context.db, secret, context.runId);
    if (!state.current) return { summary: `${secret} has no current value; nothing restored.` };
    const value = versionValue(state.secret, state.current);
    context.registerSecret(value);
    const consumers = await consumersOf(context.db, secret);
    const restored = await deliverAll(consumers, value, null, context);
    await appendAuditEvent(context.db, rotationActor(), {
      eventType: "secret.consumers_restored",
      outcome: "success",
      entityType: "secret",
      entityId: secret,
      meta: { name: secret, runId: context.runId, version: versionLabel(state.current), consumers: restored },
    });
    return {
      summary: `Consumers of ${secret} have current ${versionLabel(state.current)} again: ${restored.join(", ") || "none configured"}.`,
      output: { version: state.current.version, consumers: restored },
    };
  },
};
