import { consumersOf } from "../../../secrets/consumers/consumers";
import { probeConsumer } from "../../../secrets/consumers/probe";
import { readOwnPending } from "../../../secrets/rotation/pending";
import { versionLabel } from "../../../secrets/rotation/state";
import { confirmByHand, type CheckDefinition } from "../../actions/types";
import { secretInput, type SecretInput } from "./shared";

/** Phase 3: before anything depends on it, each consumer with a probe proves it accepts the pending value. */
export const consumersAcceptCheck: CheckDefinition<SecretInput> = {
  name: "secret.consumers-accept",
  title: "Consumers accept the pending value",
  description:
    "Calls each consumer's acceptance probe with the pending value (for example as a bearer token); every probe must answer 2xx.",
  input: secretInput,
  async run({ secret }, context) {
    const { pending } = await readOwnPending(context.db, { name: secret, runId: context.runId });
    if (!pending) return { passed: false, summary: `This run has no pending value of ${secret} to test.` };
    context.registerSecret(pending.value);
    const consumers = await consumersOf(context.db, secret);
    const results = [];
    for (const consumer of consumers) {
      const outcome = await probeConsumer(consumer, pending.value, {
        log: (line) => context.log(line),
        signal: context.signal,
      });
      context.log(
        outcome.probed
          ? `${consumer.name}: ${outcome.accepted ? "accepted" : "REFUSED"} (${outcome.detail})`
          : `${consumer.name}: no acceptance probe configured`,
        outcome.probed && !outcome.accepted ? "stderr" : "info",
      );
      results.push(outcome);
    }
    const probed = results.filter((r) => r.probed);
    const refused = probed.filter((r) => !r.accepted);
    const label = versionLabel(pending);
    if (refused.length > 0) {
      return {
        passed: false,
        summary: `${refused.map((r) => `${r.consumer} (${r.detail})`).join("; ")} did not accept pending ${label}. Do not promote: fix the consumer and run this check again, or abort the run to restore the current value everywhere.`,
        details: { results },
      };
    }
    const unprobed = results.filter((r) => !r.probed).map((r) => r.consumer);
    if (results.length === 0) {
      return {
        passed: true,
        summary: `${secret} has no consumer configured; nothing was verified.`,
        details: {
          results,
          ...confirmByHand(
            `${secret} has no secret-consumer target, so no service was given pending ${label} and nothing verified that anything accepts it.`,
          ),
        },
      };
    }
    const accepted = `${probed.length} consumer${probed.length === 1 ? "" : "s"} accepted pending ${label}`;
    if (unprobed.length > 0) {
      // Nothing verified those: the step waits for a person to check them and say what they saw.
      const names = unprobed.join(", ");
      return {
        passed: true,
        summary:
          probed.length === 0
            ? `No consumer of ${secret} has an acceptance probe; nothing was verified.`
            : `${accepted}; ${unprobed.length} without a probe (${names}).`,
        details: {
          results,
          ...confirmByHand(
            `${unprobed.length === 1 ? "the consumer" : "the consumers"} ${names} of ${secret} ${unprobed.length === 1 ? "has" : "have"} no acceptance probe, so nobody has verified that ${unprobed.length === 1 ? "it accepts" : "they accept"} pending ${label}.`,
          ),
        },
      };
    }
    return { passed: true, summary: `${accepted}.`, details: { results } };
  },
};
