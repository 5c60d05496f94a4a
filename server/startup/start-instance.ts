/**
 * Everything one Keel process does before it serves: opens and migrates the database, creates
 * the first admin and the API token signing key, starts the run engine, loads the runbook files,
 * checklist templates and targets file, and builds the demo environment on the first start.
 * Each step is safe when any number of instances run it at once on one database (advisory locks
 * or insert-if-absent, then re-read). The console (server/main.ts) serves Next.js after it.
 */
import type { DatabaseHandle } from "@/db/client";
import { withAdvisoryLock } from "@/db/advisory-lock";
import { ensureSigningKey } from "../api-tokens/signing-key";
import { systemActor } from "../audit/actor";
import { describeTemplateLoad, loadChecklistTemplates } from "../checklists/load";
import type { Env } from "../config/env";
import { getDatabaseHandle } from "../db";
import { demoRoot, ensureDemoEnvironment } from "../demo/environment";
import { startEngine, type RunningEngine } from "../engine/instance";
import { getLogger } from "../observability/logger";
import { describeLoadSummary, invalidFileLines, loadRunbooks } from "../runbooks/load";
import { loadTargetsFile } from "../targets/load-file";
import { ensureInitialAdmin, initialAdminBanner } from "./initial-admin";

export type StartedInstance = { handle: DatabaseHandle; engine: RunningEngine };

/** Throws DatabaseConnectionError when the database cannot be reached. */
export async function startInstance(env: Env, say: (line: string) => void): Promise<StartedInstance> {
  const log = getLogger();
  const handle = await getDatabaseHandle();
  log.info({ database: handle.description }, "database ready; migrations applied");

  const admin = await ensureInitialAdmin(handle.db, {
    email: env.KEEL_INITIAL_ADMIN_EMAIL,
    password: env.KEEL_INITIAL_ADMIN_PASSWORD,
  });
  if (admin.created) {
    log.info({ email: admin.email }, "initial admin created");
    if (admin.generatedPassword) say(initialAdminBanner(admin.email, admin.generatedPassword, env.publicUrl));
    else say(`Created the first administrator ${admin.email} with the password from KEEL_INITIAL_ADMIN_PASSWORD.`);
  }

  if ((await ensureSigningKey(handle.db)) === "created")
    log.info("created the API token signing key (managed secret keel-api-token-signing-key)");

  const engine = await startEngine(handle, { workers: env.KEEL_WORKERS, groups: env.KEEL_WORKER_GROUPS });
  log.info(
    {
      actions: engine.deps.registry.actionNames(),
      checks: engine.deps.registry.checkNames(),
      workers: env.KEEL_WORKERS,
      workerGroups: env.KEEL_WORKER_GROUPS,
    },
    "run engine started",
  );

  await loadBundledContent(handle, engine, env);

  if (env.KEEL_DEMO === "on") {
    try {
      const demo = await ensureDemoEnvironment({
        handle,
        actor: systemActor(),
        root: demoRoot(env.KEEL_DATA_DIR),
        publicUrl: env.publicUrl,
        log,
      });
      if (demo === "created")
        say(
          `Created the demo environment under ${demoRoot(env.KEEL_DATA_DIR)}: try any runbook against it (an admin can remove it).`,
        );
    } catch (error) {
      log.error({ err: error }, "the demo environment could not be created");
    }
  }
  return { handle, engine };
}

/** Runbook files, checklist templates and the targets file: a broken one is reported and keeps the console up. */
async function loadBundledContent(handle: DatabaseHandle, engine: RunningEngine, env: Env): Promise<void> {
  const log = getLogger();
  try {
    const runbooks = await loadRunbooks(handle.db, {
      directories: env.runbookDirectories,
      registry: engine.deps.registry,
      actor: systemActor(),
    });
    const counts = {
      loaded: runbooks.loaded.length,
      unchanged: runbooks.unchanged.length,
      invalid: runbooks.invalid.length,
    };
    log.info(
      { ...counts, directories: env.runbookDirectories, missingDirectories: runbooks.missingDirectories },
      describeLoadSummary(runbooks),
    );
    for (const directory of runbooks.missingDirectories)
      log.warn({ directory }, "runbook directory not found (KEEL_RUNBOOK_DIRS)");
    const problems = invalidFileLines(runbooks);
    if (problems.length > 0) {
      process.stderr.write(
        `\nThese runbook files did not load (new runs start from each runbook's last valid version until they are fixed):\n${problems.map((line) => `  ${line}`).join("\n")}\n\n`,
      );
    }
  } catch (error) {
    log.error({ err: error }, "loading the runbook files failed; the catalog keeps what it had");
  }

  // Checklist templates (checklists/ in each runbook directory) load the same way: a broken one keeps its last valid version.
  try {
    const templates = await loadChecklistTemplates(handle.db, {
      directories: env.runbookDirectories,
      registry: engine.deps.registry,
      actor: systemActor(),
    });
    log.info(
      { loaded: templates.loaded.length, unchanged: templates.unchanged.length, invalid: templates.invalid.length },
      describeTemplateLoad(templates),
    );
    const problems = templates.invalid.flatMap(({ path, problems }) =>
      problems.map((p) => `${path}:${p.line}:${p.column} ${p.message}`),
    );
    if (problems.length > 0)
      process.stderr.write(
        `\nThese checklist templates did not load (new checklists use each template's last valid version):\n${problems.map((line) => `  ${line}`).join("\n")}\n\n`,
      );
  } catch (error) {
    log.error({ err: error }, "loading the checklist templates failed; the templates stay as they were");
  }

  // Like runbook files: a targets file with problems is reported and changes nothing; the console still starts.
  try {
    // One instance at a time: two syncs at once would both create the file's new targets.
    const targetsFile = await withAdvisoryLock(handle, "keel-targets-file", () =>
      loadTargetsFile(handle.db, systemActor(), env.KEEL_TARGETS_FILE),
    );
    const sync = targetsFile.sync;
    log.info(
      {
        path: targetsFile.path,
        found: targetsFile.found,
        applied: targetsFile.applied,
        created: sync?.created.length,
        updated: sync?.updated.length,
        removed: sync?.removed.length,
        problems: targetsFile.problems.length,
      },
      targetsFile.found ? "targets file read" : "no targets file (KEEL_TARGETS_FILE); no file targets",
    );
    if (targetsFile.problems.length > 0) {
      const consequence = targetsFile.applied
        ? "These targets were skipped"
        : "The targets file did not load (the targets it declared before stay as they were until it is fixed)";
      process.stderr.write(`\n${consequence}:\n${targetsFile.problems.map((line) => `  ${line}`).join("\n")}\n\n`);
    }
  } catch (error) {
    log.error({ err: error }, "reading the targets file failed; the targets stay as they were");
  }
}
