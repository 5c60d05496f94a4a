/**
 * The console for one Playwright run, started as `npm start` starts it (the compiled production
 * build, shared with test/deploy/production-build.test.ts), on a database of its own: a new PostgreSQL database when
 * TEST_DATABASE_URL is set, otherwise a new embedded data directory. When Playwright stops it,
 * the audit chain is verified (result in test-results/audit-verify-<driver>.txt) and the database
 * is dropped. The console loads the runbook directory and the test fixtures; before it starts,
 * an earlier edition of one fixture is loaded under the same path, as if the console had run
 * before that file was edited, so the catalog journey has two versions to compare.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type DatabaseTarget } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { systemActor } from "../server/audit/actor";
import { verifyAuditChain } from "../server/audit/verify";
import { witnessFiles } from "../server/audit/witness";
import { demoRoot, removeDemoEnvironment } from "../server/demo/environment";
import { createBuiltinRegistry } from "../server/engine/builtins";
import { getLogger } from "../server/observability/logger";
import { loadRunbooks } from "../server/runbooks/load";
import { E2E_DATA_DIR_FILE, E2E_DATABASE_URL_FILE, E2E_DRIVER, E2E_PORT, INITIAL_ADMIN } from "../e2e/support/config";
import { quoteIdent, runAdminStatement, uniqueDatabaseName, urlForDatabase } from "../test/support/postgres-admin";
import { LOG_DIR, rememberSecret } from "../test/support/secrets-used";
import { TEST_KEYS, TEST_METRICS_TOKEN } from "../test/support/test-keys";

async function main(): Promise<void> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  const databaseName = baseUrl ? uniqueDatabaseName("keel_e2e") : null;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "keel-e2e-"));
  let target: DatabaseTarget;
  if (baseUrl && databaseName) {
    await runAdminStatement(baseUrl, `create database ${quoteIdent(databaseName)}`);
    target = { driver: "pg", url: urlForDatabase(baseUrl, databaseName) };
  } else {
    target = { driver: "pglite", dataDir: path.join(dataDir, "pglite") };
  }
  mkdirSync(LOG_DIR, { recursive: true });
  // Journeys that check a real effect on disk (the demo's files) find the console's data directory here.
  writeFileSync(E2E_DATA_DIR_FILE, `${dataDir}\n`);
  // The tampering journey reaches Keel's database as a superuser would (PostgreSQL only).
  if (target.driver === "pg") writeFileSync(E2E_DATABASE_URL_FILE, `${target.url}\n`);
  rememberSecret(INITIAL_ADMIN.password);
  rememberSecret(TEST_METRICS_TOKEN);
  await loadEarlierRunbookEdition(target, dataDir);

  // `npm start`: the production build (built when the sources changed), the output the image runs.
  const child = spawn(process.execPath, ["scripts/start.mjs"], {
    stdio: "inherit",
    env: {
      ...process.env,
      ...TEST_KEYS,
      NODE_ENV: "production",
      PORT: String(E2E_PORT),
      HOST: "127.0.0.1",
      KEEL_PUBLIC_URL: `http://127.0.0.1:${E2E_PORT}`,
      KEEL_DATA_DIR: dataDir,
      DATABASE_URL: target.driver === "pg" ? target.url : "",
      KEEL_INITIAL_ADMIN_EMAIL: INITIAL_ADMIN.email,
      KEEL_INITIAL_ADMIN_PASSWORD: INITIAL_ADMIN.password,
      KEEL_RUNBOOK_DIRS: E2E_RUNBOOK_DIRS,
      KEEL_LOG_FILE: path.join(LOG_DIR, `e2e-server-${E2E_DRIVER}.log`),
      LOG_LEVEL: "debug",
      KEEL_METRICS_TOKEN: TEST_METRICS_TOKEN,
      // The suite's end stops the server: a step some journey left running is handed back after 5 s, not the default 60.
      KEEL_SHUTDOWN_GRACE_SECONDS: "5",
      // The journeys use the demo environment, which production leaves off unless asked.
      KEEL_DEMO: "on",
      // Admin > Instances shows this group (e2e/admin-instances.spec.ts); steps on ungrouped targets still run here.
      KEEL_WORKER_GROUPS: "e2e-edge",
    },
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    child.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  const code = await new Promise<number>((resolve) => child.on("exit", (exitCode) => resolve(exitCode ?? 1)));
  try {
    const handle = await openDatabase(target);
    // The demo's parts may live outside the data directory (a database beside Keel's): remove them.
    await removeDemoEnvironment({
      handle,
      actor: systemActor(),
      root: demoRoot(dataDir),
      publicUrl: `http://127.0.0.1:${E2E_PORT}`,
      log: getLogger(),
    }).catch((error: unknown) => process.stderr.write(`removing the demo environment failed: ${String(error)}\n`));
    // The console wrote a witness checkpoint as it stopped: the trail must still reach it.
    const result = await verifyAuditChain(handle.db, { witnessFiles: witnessFiles(dataDir) });
    await handle.close();
    const line = result.ok
      ? `OK ${result.count}${result.witness ? `, reaches the witness checkpoint at sequence ${result.witness.seq}` : ", no witness checkpoint"}`
      : `BROKEN at sequence ${result.brokenSeq}: ${result.problem}`;
    writeFileSync(path.resolve("test-results", `audit-verify-${E2E_DRIVER}.txt`), `${line}\n`);
  } finally {
    if (baseUrl && databaseName)
      await runAdminStatement(baseUrl, `drop database if exists ${quoteIdent(databaseName)} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(stopping ? 0 : code);
}

/** Where the e2e console's runbooks come from: the shipped ones and the test fixtures. */
const E2E_RUNBOOK_DIRS = "runbooks,test/fixtures/runbooks";
const EDITED_FIXTURE = "test/fixtures/runbooks/sample-guided-change.yaml";
const EARLIER_EDITION = "test/fixtures/runbooks-earlier/sample-guided-change.yaml";

/**
 * Loads the earlier edition of EDITED_FIXTURE with the real loader, from a scratch root where it
 * sits at the fixture's own path. When the console starts and loads the fixture itself, the
 * changed content becomes version 2 of the same file.
 */
async function loadEarlierRunbookEdition(target: DatabaseTarget, scratch: string): Promise<void> {
  const root = path.join(scratch, "earlier-runbooks");
  mkdirSync(path.join(root, path.dirname(EDITED_FIXTURE)), { recursive: true });
  copyFileSync(EARLIER_EDITION, path.join(root, EDITED_FIXTURE));
  Object.assign(process.env, TEST_KEYS);
  const handle = await openDatabase(target);
  try {
    await migrateDatabase(handle);
    await loadRunbooks(handle.db, {
      root,
      directories: [path.dirname(EDITED_FIXTURE)],
      registry: createBuiltinRegistry(),
      actor: systemActor(),
    });
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`e2e server failed: ${String(error)}\n`);
  process.exit(1);
});
