import { fieldLabel } from "@/lib/validation/field-label";
import { z } from "zod";
import { AppError } from "../../errors";
import { planRollback } from "../../services/rollback";
import type { CheckDefinition } from "../actions/types";

const input = z.strictObject({ service: z.string().min(1), release: z.string().max(200).nullish() });

/**
 * The release to roll back to exists and can be reached, checked before anyone approves or
 * executes anything; also tells later steps the service's environment.
 */
export const releaseKnownCheck: CheckDefinition<z.infer<typeof input>> = {
  name: "deploy.release-known",
  title: "The release to roll back to exists",
  description:
    "Reads the service's release history and checks that the chosen release exists and can be rolled back to. Changes nothing.",
  input,
  async run(request, context) {
    try {
      const plan = await planRollback(
        context.db,
        { ...request, reason: "check" },
        { signal: context.signal, onLine: (l) => context.log(l) },
      );
      const from = plan.from ? `${plan.from.version} (${plan.from.commit?.slice(0, 12) ?? "no commit"})` : "unknown";
      const to = `${plan.to.version} (${plan.to.commit?.slice(0, 12) ?? "no commit"})`;
      const how =
        plan.strategy === "git"
          ? plan.alreadyAtTarget
            ? "already deployed; nothing to revert"
            : `${plan.revert.length} commit(s) to revert with git`
          : `through ${plan.method} ${plan.url}`;
      return {
        passed: true,
        summary: `${plan.service} (${plan.environment}) is on ${from}; rolling back to ${to}: ${how}.`,
        details: {
          environment: plan.environment,
          strategy: plan.strategy,
          currentVersion: plan.from?.version ?? null,
          targetVersion: plan.to.version,
          targetCommit: plan.to.commit,
        },
      };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const field = Object.keys(error.details?.fields ?? {})[0];
      const label = field ? fieldLabel(field) : "";
      const summary = field && !error.message.startsWith(`${label}:`) ? `${label}: ${error.message}` : error.message;
      return { passed: false, summary, details: { field: field ?? null } };
    }
  },
};
