import type { Server } from "node:http";
import type { Logger } from "../observability/logger";
import type { RunningEngine } from "../engine/instance";
import { markDraining } from "../health/drain-state";

/** After the grace period: time for handing steps back, stopping the queue and closing the database, before the process is ended regardless. */
const FORCE_EXIT_AFTER_GRACE_MS = 30_000;

export type StopOptions = {
  signal: string;
  engine: RunningEngine;
  server: Server;
  /** KEEL_SHUTDOWN_GRACE_SECONDS, in milliseconds. */
  graceMs: number;
  closeDatabase: () => Promise<void>;
  log: Logger;
};

/**
 * A deploy's SIGTERM: /api/readyz answers 503 at once (the load balancer stops sending) while
 * /api/livez stays 200 and requests are still served; the engine takes no new job and lets the
 * steps in flight finish within the grace period, then hands back the rest as interrupted; then
 * the server and the database close. Resolves the exit code.
 */
export async function stopGracefully({
  signal,
  engine,
  server,
  graceMs,
  closeDatabase,
  log,
}: StopOptions): Promise<number> {
  markDraining();
  log.info({ signal, graceMs }, "draining: no new jobs; steps in flight may finish within the grace period");
  const force = setTimeout(() => {
    log.error("the process did not stop in time; exiting");
    process.exit(1);
  }, graceMs + FORCE_EXIT_AFTER_GRACE_MS);
  force.unref();
  try {
    const { finishedInGrace } = await engine.stop({ graceMs });
    log.info(
      { finishedInGrace },
      finishedInGrace ? "every step in flight finished" : "steps still running were handed back as interrupted",
    );
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await closeDatabase();
    return 0;
  } catch (error) {
    log.error({ err: error }, "stopping failed");
    return 1;
  }
}
