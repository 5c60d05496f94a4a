import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import pino, { type Logger } from "pino";
import { scrubQueryText } from "./query-error-text";
import { redactSensitive } from "./redact";

export type { Logger };

const GLOBAL_KEY = Symbol.for("keel.logger");
type GlobalWithLogger = typeof globalThis & { [GLOBAL_KEY]?: Logger };

/**
 * Structured JSON logs on stdout, and appended to KEEL_LOG_FILE when set. Every line passes
 * through redaction, so a password, token or secret field never reaches a log. Shared through
 * globalThis because the custom server and Next.js's bundle each load their own copy of this module.
 */
export function getLogger(): Logger {
  const scope = globalThis as GlobalWithLogger;
  scope[GLOBAL_KEY] ??= createLogger();
  return scope[GLOBAL_KEY];
}

function createLogger(): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info");
  // Tests keep their logs in the file only (the end-of-run secret scan reads it), not on the console.
  const quiet = process.env.NODE_ENV === "test" && process.env.KEEL_LOG_FILE;
  // Each stream needs the level too: multistream entries default to info and would drop debug lines.
  const streamLevel = (level === "silent" ? "fatal" : level) as pino.Level;
  // Lines are written asynchronously: a request never waits for stdout or the disk. pino flushes
  // what is pending when the process exits. Tests write synchronously, so a test's worker that is
  // torn down mid-write still leaves every line for the end-of-run secret scan.
  const sync = process.env.NODE_ENV === "test";
  const streams: pino.StreamEntry[] = quiet
    ? []
    : [{ level: streamLevel, stream: pino.destination({ dest: 1, sync }) }];
  if (process.env.KEEL_LOG_FILE) {
    // Opened here, synchronously: a file sonic-boom opens by itself is not ready for a process that exits at once.
    mkdirSync(path.dirname(process.env.KEEL_LOG_FILE), { recursive: true });
    const fd = openSync(process.env.KEEL_LOG_FILE, "a");
    streams.push({ level: streamLevel, stream: pino.destination({ dest: fd, sync }) });
  }
  return pino(
    {
      level,
      base: { service: "keel" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSensitive(object) as Record<string, unknown>,
      },
      serializers: { err: (error: unknown) => redactSensitive(error) },
      // The message string itself, which the formatters above do not see.
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? scrubQueryText(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    pino.multistream(streams),
  );
}
