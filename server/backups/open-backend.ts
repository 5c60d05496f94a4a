import { createHash } from "node:crypto";
import type { Queryable } from "@/db/client";
import { parseConnectionUrl } from "../connectors/postgres";
import { AppError } from "../errors";
import { readSecretValue } from "../secrets/store";
import { getTargetConfig } from "../targets/catalog";
import type { DatabaseBackend } from "./backend";
import type { DatabaseTargetConfig } from "./database-target";
import { EmbeddedBackend } from "./embedded-backend";
import { OwnDatabaseBackend } from "./own-database-backend";
import { PostgresBackend } from "./postgres-backend";

export type OpenedDatabase = { name: string; config: DatabaseTargetConfig; backend: DatabaseBackend };

/**
 * The configured database target with a backend to act on it. The connection URL comes from the
 * managed secret, and is registered (with its password) for redaction before anything can print it.
 */
export async function openDatabaseTarget(
  db: Queryable,
  name: string,
  registerSecret: (value: string) => void,
  field = "database",
): Promise<OpenedDatabase> {
  const { config } = await getTargetConfig<DatabaseTargetConfig>(db, "database", name, field);
  if (config.driver === "embedded") return { name, config, backend: new EmbeddedBackend(config.dataDir) };
  if (config.driver === "keel") return { name, config, backend: new OwnDatabaseBackend(db, registerSecret) };
  const secret = await readSecretValue(db, config.urlSecret);
  if (!secret)
    throw AppError.field(
      field,
      `The database "${name}" takes its URL from the managed secret "${config.urlSecret}", which does not exist.`,
      "NOT_FOUND",
    );
  registerSecret(secret.value);
  let connection;
  try {
    connection = parseConnectionUrl(secret.value);
  } catch (error) {
    throw AppError.field(
      field,
      `The managed secret "${config.urlSecret}" does not hold a usable PostgreSQL URL: ${(error as Error).message}`,
    );
  }
  if (connection.password) {
    registerSecret(connection.password);
    registerSecret(encodeURIComponent(connection.password));
  }
  return { name, config, backend: new PostgresBackend(connection, config.maintenanceDatabase) };
}

/** Eight hex characters from the step's idempotency key: names what one attempt of a step makes, so a retry finds it. */
export function markerOf(idempotencyKey: string): string {
  return createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 8);
}
