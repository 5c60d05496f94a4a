import { describeDatabaseError, scrubQueryText } from "./query-error-text";

const METHODS = ["error", "warn", "log", "info", "debug", "trace"] as const;
const GUARDED = Symbol.for("keel.console-guarded");

function holdsQueryText(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  return describeDatabaseError(error) !== null || holdsQueryText(error.cause, depth + 1);
}

/** An error safe to print: database errors reduced as the logger reduces them, at any depth of `cause`. */
function safeError(error: Error, depth = 0): Error {
  const described = describeDatabaseError(error);
  const copy = new Error(described ? described.message : scrubQueryText(error.message));
  copy.name = described?.type ?? error.name;
  copy.stack = `${copy.name}: ${copy.message}\n${
    described?.stack ??
    (error.stack ?? "")
      .split("\n")
      .filter((line) => /^\s+at /.test(line))
      .join("\n")
  }`;
  if (described?.code) Object.assign(copy, { code: described.code });
  if (!described && error.cause instanceof Error && depth < 5) copy.cause = safeError(error.cause, depth + 1);
  return copy;
}

export function scrubConsoleArgument(argument: unknown): unknown {
  if (typeof argument === "string") return scrubQueryText(argument);
  if (argument instanceof Error && holdsQueryText(argument)) return safeError(argument);
  return argument;
}

/**
 * Next.js and libraries print what they catch with console.* (an error thrown while rendering a
 * page goes to stderr whole, with drizzle's query and parameters); this makes those lines obey
 * the same rule as Keel's logger. Installed once, before Next.js loads.
 */
export function guardConsole(target: Console = console): void {
  const marked = target as Console & { [GUARDED]?: true };
  if (marked[GUARDED]) return;
  marked[GUARDED] = true;
  for (const method of METHODS) {
    const original = target[method].bind(target) as (...args: unknown[]) => void;
    target[method] = (...args: unknown[]) => original(...args.map(scrubConsoleArgument));
  }
}
