/**
 * The console's process: settles configuration, runs the start sequence
 * (server/startup/start-instance.ts: database, first admin, engine, runbook files, demo), then
 * serves Next.js behind Keel's edge (server/http/edge-server.ts: request ids, client address,
 * CSP nonce, security headers, refusals and the error envelope). `npm run dev` runs it under tsx;
 * `npm run build` compiles it into .next/standalone/keel-server.mjs, which `npm start` (after
 * building when the sources changed: scripts/start.mjs) and the image run with plain node.
 */
import { prepareEnvironment } from "./startup/prepare-environment";
import { createNextApp } from "./startup/next-app";

const development = process.argv.includes("--dev");
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const env = prepareEnvironment(development ? "development" : "production", say);
  process.env.NEXTAUTH_URL ??= env.publicUrl;
  process.env.NEXT_TELEMETRY_DISABLED = "1";

  // Imported after the environment is settled: these read it.
  const { guardConsole } = await import("./observability/console-guard");
  guardConsole();
  const { getLogger } = await import("./observability/logger");
  const { closeDatabase } = await import("./db");
  const { DatabaseConnectionError } = await import("@/db/client");
  const { startInstance } = await import("./startup/start-instance");
  const { parseTrustedProxies } = await import("./http/client-ip");
  const { createEdgeServer } = await import("./http/edge-server");
  const { stopGracefully } = await import("./startup/graceful-stop");
  const log = getLogger();

  let started;
  try {
    started = await startInstance(env, say);
  } catch (error) {
    if (error instanceof DatabaseConnectionError) {
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
  const { handle, engine } = started;

  const app = await createNextApp({ development, hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();
  const edge = {
    development,
    production: !development,
    https: env.publicUrl.startsWith("https://"),
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES),
  };

  const server = createEdgeServer({ edge, log, handle: (req, res) => handleWithNext(req, res) });

  // SIGTERM (a deploy) or SIGINT: drain, then exit (server/startup/graceful-stop.ts).
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void stopGracefully({
      signal,
      engine,
      server,
      graceMs: env.KEEL_SHUTDOWN_GRACE_SECONDS * 1000,
      closeDatabase,
      log,
    }).then((code) => process.exit(code));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  server.listen(env.PORT, env.HOST, () => {
    log.info(
      { url: env.publicUrl, host: env.HOST, port: env.PORT, mode: development ? "development" : "production" },
      "Keel is listening",
    );
    say(`Keel is ready at ${env.publicUrl} (${handle.description}).`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Keel failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
