import { z } from "zod";
import type { CheckDefinition } from "../../engine/actions/types";
import { openDatabaseTarget } from "../open-backend";
import { databaseField } from "./inputs";

const input = z.strictObject({ database: databaseField });

/** Runs the database target's health query in a read-only transaction: does the database answer, with its data? */
export const databaseHealthCheck: CheckDefinition<z.infer<typeof input>> = {
  name: "database.health",
  title: "Database answers its health query",
  description: "Connects to a database target and runs its health query read-only.",
  input,
  async run({ database }, context) {
    const { config, backend } = await openDatabaseTarget(context.db, database, (v) => context.registerSecret(v));
    context.log(`Running the health query on ${backend.location}: ${config.healthQuery}`, "info");
    try {
      const result = await backend.healthQuery(config.healthQuery);
      return {
        passed: true,
        summary: `${database} answers its health query (first value: ${String(result.firstValue)}).`,
        details: result,
      };
    } catch (error) {
      return { passed: false, summary: `${database} does not answer its health query: ${(error as Error).message}` };
    }
  },
};
