import { consumersOf } from "../../../secrets/consumers/consumers";
import { probeConsumer } from "../../../secrets/consumers/probe";
import { readOwnPending } from "../../../secrets/rotation/pending";
import { versionLabel } from "../../../secrets/rotation/state";
import type { CheckDefinition } from "../../actions/types";
import { secretInput, type SecretInput } from "./shared";

/** Phase 3: before anything depends on it, each consumer with a probe proves it accepts the pending value. */
export const consumersAcceptCheck: CheckDefinition<SecretInput> = {
  name: "secret.consumers-accept",
  title: "Consumers accept the pending value",
  description: "Calls each consumer's acceptance probe with the pending value (for example as a bearer token); every probe must answer 2xx.",
  input: secretInput,
  async run({ secret }, context) {
    const { pending } = await readOwnPending(context.db, { name: secret, runId: context.runId });
    if (!pending) return { passed: false, summary: `This run has no pending value of ${secret} to test.` };
    context.registerSecret(pending.value);
    const consumers = await consumersOf(context.db, secret);
    const results = [];
    for (const consumer of consumers) {
      const outcome = await probeConsumer(consumer, pending.value, { log: (line) => context.log(line), signal: context.signal });
      context.log(outcome.probed ? `${consumer.name}: ${outcome.accepted ? "accepted" : "REFUSED"} (${outcome.detail})` : `${consumer.name}: no acceptance probe configured`, outcome.probed && !outcome.accepted ? "stderr" : "info");
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
    const unprobed = results.length - probed.length;
    return {
      passed: true,
      summary:
        probed.length === 0
          ? `No consumer of ${secret} has an acceptance probe; check the services by hand before approving the promotion of ${label}.`
          : `${probed.length} consumer${probed.length === 1 ? "" : "s"} accepted pending ${label}${unprobed ? `; ${unprobed} without a probe` : ""}.`,
      details: { results },
    };
  },
};
