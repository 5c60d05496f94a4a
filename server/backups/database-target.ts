import path from "node:path";
import { z } from "zod";
import { parseDuration } from "@/lib/runbooks/duration";
import { defineTargetKind } from "../targets/kind";

const absolutePath = z
  .string()
  .min(1)
  .refine((p) => path.isAbsolute(p), "use an absolute path");
const duration = z.string().refine((v) => (parseDuration(v) ?? 0) > 0, "use a duration such as 30m, 24h or 7d");
/** "orders" or "sales.orders"; plain names are in the public schema. */
const tableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, "use table or schema.table (letters, digits and _)");

const description = {
  /** Where backups of this database are written and read; one directory per database. */
  backupDirectory: absolutePath,
  /** How old the newest backup may be before the backup list warns (RPO). */
  recoveryPointObjective: duration.default("24h"),
  /** How long a restore may take (RTO); the restore's measured duration is checked against it. */
  recoveryTimeObjective: duration.default("4h"),
  /** Tables a backup must contain to count as a backup of this database. */
  expectedTables: z.array(tableName).default([]),
  /** A read-only query that succeeds when the database is usable (it runs in a read-only transaction). */
  healthQuery: z.string().min(1).max(2000).default("select 1"),
};

const common = {
  ...description,
  /** scratch-then-swap: restore beside the database, compare, then rename; in-place: one transaction in the database itself. */
  restoreMode: z.enum(["scratch-then-swap", "in-place"]).default("scratch-then-swap"),
};

export const databaseTargetConfig = z.discriminatedUnion("driver", [
  z.strictObject({
    driver: z.literal("postgres"),
    /** The managed secret holding the connection URL (postgres://user:password@host:port/database). */
    urlSecret: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, "name a managed secret"),
    /** The database Keel connects to for creating, renaming and dropping databases. */
    maintenanceDatabase: z.string().min(1).default("postgres"),
    ...common,
  }),
  z.strictObject({
    driver: z.literal("embedded"),
    /** The PGlite data directory (for a machine without PostgreSQL). */
    dataDir: absolutePath,
    ...common,
  }),
  /**
   * Keel's own database, registered by Keel at start (source "builtin", see self-backup.ts):
   * backed up on Keel's schedule into backupDirectory, read by the backup list and the
   * backup-age probe. It has no restore mode: restoring over the running console is refused.
   */
  z.strictObject({
    driver: z.literal("keel"),
    /** Hours between self-backups (KEEL_SELF_BACKUP_HOURS), shown in the summary. */
    everyHours: z.number().int().min(1),
    ...description,
  }),
]);

export type DatabaseTargetConfig = z.infer<typeof databaseTargetConfig>;
/** A database Keel may act on with the backup runbooks: any but Keel's own. */
export type ExternalDatabaseConfig = Exclude<DatabaseTargetConfig, { driver: "keel" }>;

/** Why a runbook step does not dump Keel's own database. */
export const SELF_DUMP_REFUSED =
  "keel is Keel's own database: Keel backs it up itself every KEEL_SELF_BACKUP_HOURS (its backups are listed in the backup list). A runbook step does not dump the running console's database.";

/** Why Keel's own database is never the destination of a restore. */
export const SELF_RESTORE_REFUSED =
  "keel is Keel's own database, in use by this console: restoring over it is refused. To look inside one of its backups, add another database target whose backup directory holds the file and restore it there; to roll the console back, stop Keel and restore by hand.";

export const databaseTargetKind = defineTargetKind<DatabaseTargetConfig>({
  kind: "database",
  label: "Database",
  schema: databaseTargetConfig,
  describe(config) {
    if (config.driver === "keel")
      return `Keel's own database, backed up by Keel every ${config.everyHours} h into ${config.backupDirectory}; never a restore destination`;
    const where =
      config.driver === "postgres"
        ? `PostgreSQL (URL in secret ${config.urlSecret})`
        : `embedded PGlite in ${config.dataDir}`;
    return `${where}; backups in ${config.backupDirectory}, RPO ${config.recoveryPointObjective}, restore ${config.restoreMode}`;
  },
});

/** "orders" → { schema: "public", table: "orders" }. */
export function splitTableName(name: string): { schema: string; table: string } {
  const [first, second] = name.split(".");
  return second ? { schema: first!, table: second } : { schema: "public", table: first! };
}

export function qualifiedTableName(name: string): string {
  const { schema, table } = splitTableName(name);
  return `${schema}.${table}`;
}
