import { z } from "zod";
import { parseDuration } from "@/lib/runbooks/duration";
import type { CheckDefinition } from "../../engine/actions/types";
import { getTargetConfig } from "../../targets/catalog";
import type { DatabaseTargetConfig } from "../database-target";
import { formatElapsed } from "./describe-backups";
import { databaseField } from "./inputs";

const input = z.strictObject({ database: databaseField, durationMs: z.coerce.number().int().min(0) });

/** Records how long a restore took as evidence for the recovery time objective, and compares the two. */
export const recoveryTimeCheck: CheckDefinition<z.infer<typeof input>> = {
  name: "backup.recovery-time",
  title: "Restore time within the recovery time objective",
  description:
    "Compares a restore's measured duration with the database's recovery time objective and keeps both as evidence.",
  input,
  async run({ database, durationMs }, context) {
    const { config } = await getTargetConfig<DatabaseTargetConfig>(context.db, "database", database, "database");
    const objectiveMs = parseDuration(config.recoveryTimeObjective)! * 1000;
    const details = {
      durationMs,
      duration: formatElapsed(durationMs),
      recoveryTimeObjective: config.recoveryTimeObjective,
    };
    if (durationMs > objectiveMs)
      return {
        passed: false,
        summary: `The restore took ${formatElapsed(durationMs)}, longer than the recovery time objective of ${config.recoveryTimeObjective}.`,
        details,
      };
    return {
      passed: true,
      summary: `The restore took ${formatElapsed(durationMs)}, within the recovery time objective of ${config.recoveryTimeObjective}.`,
      details,
    };
  },
};
