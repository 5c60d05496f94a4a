import { z } from "zod";
import { systemActor } from "../../audit/actor";
import { recordRelease } from "../../services/record-release";
import { getService } from "../../services/service-history";
import type { ActionDefinition } from "../actions/types";

const input = z.strictObject({
  service: z.string().min(1),
  version: z.string().min(1).max(200),
  commit: z.string().max(64).nullish(),
  description: z.string().max(500).default(""),
});

/** After a rollback: the service's release history says which release runs now, and that Keel put it there. */
export const recordReleaseAction: ActionDefinition<z.infer<typeof input>> = {
  name: "deploy.record-release",
  title: "Record the release",
  description: "Adds the release a service now runs to its release history (source keel).",
  input,
  async plan({ service, version, commit, description }, context) {
    await getService(context.db, service);
    return {
      summary: `Add release ${version} to the release history of ${service}, deployed now by this run.`,
      changes: [
        {
          target: `${service} release history`,
          description: `new release (source keel)${description ? `: ${description}` : ""}`,
          before: "—",
          after: `${version} (${commit ? commit.slice(0, 12) : "no commit"})`,
        },
      ],
    };
  },
  async execute({ service, version, commit, description }, context) {
    await getService(context.db, service);
    const { deployment, created } = await recordRelease(
      context.db,
      systemActor(),
      {
        service,
        version,
        commit,
        description,
        source: "keel",
        recordedBy: context.runId,
        idempotencyKey: context.idempotencyKey,
      },
      { runId: context.runId, stepId: context.stepId },
    );
    return {
      summary: `${created ? "Recorded" : "Already recorded"} release ${version} of ${service}.`,
      output: { deploymentId: deployment.id, version, commit: commit ?? null },
    };
  },
};
