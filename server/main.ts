/**
 * The console's process: settles configuration, builds if needed, opens and migrates the
 * database, creates the first admin, loads the runbook files, then serves Next.js behind Keel's
 * edge (server/http/edge-server.ts: request ids, client address, CSP nonce, security headers,
 * refusals and the error envelope). `npm start` and `npm run dev`
 * both come here.
 */
import { prepareEnvironment } from "./startup/prepare-environment";
import { ensureProductionBuild } from "./startup/ensure-build";

const development = process.argv.includes("--dev");
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const env = prepareEnvironment(development ? "development" : "production", say);
  process.env.NEXTAUTH_URL ??= env.publicUrl;
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  if (!development) ensureProductionBuild(say);

  // Imported after the environment is settled: these read it.
  const { guardConsole } = await import("./observability/console-guard");
  guardConsole();
  const { getLogger } = await import("./observability/logger");
  const { getDatabaseHandle, closeDatabase } = await import("./db");
  const { DatabaseConnectionError } = await import("@/db/client");
  const { ensureInitialAdmin, initialAdminBanner } = await import("./startup/initial-admin");
  const { parseTrustedProxies } = await import("./http/client-ip");
  const { createEdgeServer } = await import("./http/edge-server");
  const { loadRunbooks, describeLoadSummary, invalidFileLines } = await import("./runbooks/load");
  const { systemActor } = await import("./audit/actor");
  const log = getLogger();

  let handle;
  try {
    handle = await getDatabaseHandle();
  } catch (error) {
    if (error instanceof DatabaseConnectionError) {
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
  log.info({ database: handle.description }, "database ready; migrations applied");

  const admin = await ensureInitialAdmin(handle.db, { email: env.KEEL_INITIAL_ADMIN_EMAIL, password: env.KEEL_INITIAL_ADMIN_PASSWORD });
  if (admin.created) {
    log.info({ email: admin.email }, "initial admin created");
    if (admin.generatedPassword) say(initialAdminBanner(admin.email, admin.generatedPassword, env.publicUrl));
    else say(`Created the first administrator ${admin.email} with the password from KEEL_INITIAL_ADMIN_PASSWORD.`);
  }

  const { ensureSigningKey } = await import("./api-tokens/signing-key");
  if ((await ensureSigningKey(handle.db)) === "created") log.info("created the API token signing key (managed secret keel-api-token-signing-key)");

  const { startEngine } = await import("./engine/instance");
  const engine = await startEngine(handle, { workers: Number(process.env.KEEL_WORKERS ?? 4) });
  log.info({ actions: engine.deps.registry.actionNames(), checks: engine.deps.registry.checkNames() }, "run engine started");

  // A broken runbook file must not keep the console down: it is reported, and its last valid version stays current.
  try {
    const runbooks = await loadRunbooks(handle.db, { directories: env.runbookDirectories, registry: engine.deps.registry, actor: systemActor() });
    const counts = { loaded: runbooks.loaded.length, unchanged: runbooks.unchanged.length, invalid: runbooks.invalid.length };
    log.info({ ...counts, directories: env.runbookDirectories, missingDirectories: runbooks.missingDirectories }, describeLoadSummary(runbooks));
    for (const directory of runbooks.missingDirectories) log.warn({ directory }, "runbook directory not found (KEEL_RUNBOOK_DIRS)");
    const problems = invalidFileLines(runbooks);
    if (problems.length > 0) {
      process.stderr.write(`\nThese runbook files did not load (new runs start from each runbook's last valid version until they are fixed):\n${problems.map((line) => `  ${line}`).join("\n")}\n\n`);
    }
  } catch (error) {
    log.error({ err: error }, "loading the runbook files failed; the catalog keeps what it had");
  }

  // Checklist templates (checklists/ in each runbook directory) load the same way: a broken one keeps its last valid version.
  try {
    const { loadChecklistTemplates, describeTemplateLoad } = await import("./checklists/load");
    const templates = await loadChecklistTemplates(handle.db, { directories: env.runbookDirectories, registry: engine.deps.registry, actor: systemActor() });
    log.info({ loaded: templates.loaded.length, unchanged: templates.unchanged.length, invalid: templates.invalid.length }, describeTemplateLoad(templates));
    const problems = templates.invalid.flatMap(({ path, problems }) => problems.map((p) => `${path}:${p.line}:${p.column} ${p.message}`));
    if (problems.length > 0) process.stderr.write(`\nThese checklist templates did not load (new checklists use each template's last valid version):\n${problems.map((line) => `  ${line}`).join("\n")}\n\n`);
  } catch (error) {
    log.error({ err: error }, "loading the checklist templates failed; the templates stay as they were");
  }

  // Like runbook files: a targets file with problems is reported and changes nothing; the console still starts.
  try {
    const { loadTargetsFile } = await import("./targets/load-file");
    const targetsFile = await loadTargetsFile(handle.db, systemActor(), env.KEEL_TARGETS_FILE);
    const sync = targetsFile.sync;
    log.info(
      { path: targetsFile.path, found: targetsFile.found, applied: targetsFile.applied, created: sync?.created.length, updated: sync?.updated.length, removed: sync?.removed.length, problems: targetsFile.problems.length },
      targetsFile.found ? "targets file read" : "no targets file (KEEL_TARGETS_FILE); no file targets",
    );
    if (targetsFile.problems.length > 0) {
      const consequence = targetsFile.applied ? "These targets were skipped" : "The targets file did not load (the targets it declared before stay as they were until it is fixed)";
      process.stderr.write(`\n${consequence}:\n${targetsFile.problems.map((line) => `  ${line}`).join("\n")}\n\n`);
    }
  } catch (error) {
    log.error({ err: error }, "reading the targets file failed; the targets stay as they were");
  }

  if (env.KEEL_DEMO === "on") {
    const { demoRoot, ensureDemoEnvironment } = await import("./demo/environment");
    try {
      const demo = await ensureDemoEnvironment({ handle, actor: systemActor(), root: demoRoot(env.KEEL_DATA_DIR), publicUrl: env.publicUrl, log });
      if (demo === "created") say(`Created the demo environment under ${demoRoot(env.KEEL_DATA_DIR)}: try any runbook against it (an admin can remove it).`);
    } catch (error) {
      log.error({ err: error }, "the demo environment could not be created");
    }
  }

  const { default: next } = await import("next");
  const app = next({ dev: development, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();
  const edge = {
    development,
    production: !development,
    https: env.publicUrl.startsWith("https://"),
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES),
  };

  const server = createEdgeServer({ edge, log, handle: (req, res) => handleWithNext(req, res) });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      void engine
        .stop()
        .then(() => closeDatabase())
        .catch((error: unknown) => log.error({ err: error }, "closing the database failed"))
        .finally(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  server.listen(env.PORT, env.HOST, () => {
    log.info({ url: env.publicUrl, host: env.HOST, port: env.PORT, mode: development ? "development" : "production" }, "Keel is listening");
    say(`Keel is ready at ${env.publicUrl} (${handle.description}).`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`Keel failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
