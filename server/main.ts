/**
 * The console's process: settles configuration, builds if needed, runs the start sequence
 * (server/startup/start-instance.ts: database, first admin, engine, runbook files, demo), then
 * serves Next.js behind Keel's edge (request ids, client address, CSP nonce, security headers). `npm start` and `npm run dev`
 * both come here.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
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
  const { getLogger } = await import("./observability/logger");
  const { closeDatabase } = await import("./db");
  const { DatabaseConnectionError } = await import("@/db/client");
  const { startInstance } = await import("./startup/start-instance");
  const { prepareRequest } = await import("./http/prepare-request");
  const { parseTrustedProxies } = await import("./http/client-ip");
  const { errorEnvelope, GENERIC_INTERNAL_MESSAGE } = await import("./errors");
  const { recordHttpRequest } = await import("./observability/metrics");
  const { routeLabel } = await import("./observability/route-label");
  const { refuseBody } = await import("./http/body-limit");
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

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const { requestId } = prepareRequest(req, res, edge);
    res.on("finish", () => {
      const path = (req.url ?? "").split("?")[0];
      const ms = performance.now() - started;
      recordHttpRequest(req.method ?? "GET", routeLabel(path ?? "/", res.statusCode), res.statusCode, ms / 1000);
      const entry = { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms) };
      if (path?.startsWith("/_next/")) log.debug(entry, "request");
      else log.info(entry, "request");
    });
    const refusal = refuseBody(req, requestId);
    if (refusal) {
      res.statusCode = refusal.status;
      res.setHeader("content-type", "application/json");
      res.setHeader("connection", "close");
      res.end(JSON.stringify(refusal.body));
      return;
    }
    handleWithNext(req, res).catch((error: unknown) => {
      log.error({ requestId, err: error }, "request failed outside the application");
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(errorEnvelope("INTERNAL_SERVER_ERROR", GENERIC_INTERNAL_MESSAGE, requestId)));
      } else {
        res.end();
      }
    });
  });

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
