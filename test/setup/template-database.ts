import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "../support/postgres-admin";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database to clone. */
    templateDatabase: string | null;
    /** PGlite: a migrated data directory tarball to start from (ten times faster than initdb). */
    pgliteSnapshot: string | null;
  }
}

/**
 * Migrates one template for the whole run; each test file starts its own database from it and
 * drops it when the file ends. PostgreSQL (TEST_DATABASE_URL set): a template database to clone.
 * PGlite: a snapshot of a migrated in-memory database.
 */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) {
    const handle = await openDatabase({ driver: "pglite", dataDir: null });
    await migrateDatabase(handle);
    if (handle.raw.kind !== "pglite") throw new Error("expected PGlite");
    const snapshot = await handle.raw.client.dumpDataDir("none");
    await handle.close();
    const file = path.join(os.tmpdir(), `keel-test-snapshot-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await snapshot.arrayBuffer()));
    project.provide("templateDatabase", null);
    project.provide("pgliteSnapshot", file);
    return () => rmSync(file, { force: true });
  }
  project.provide("pgliteSnapshot", null);
  const template = uniqueDatabaseName("keel_tpl");
  await runAdminStatement(baseUrl, `create database ${quoteIdent(template)}`);
  const handle = await openDatabase({ driver: "pg", url: urlForDatabase(baseUrl, template) });
  try {
    await migrateDatabase(handle);
  } finally {
    await handle.close();
  }
  project.provide("templateDatabase", template);
  return async () => {
    await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(template)} with (force)`);
  };
}
