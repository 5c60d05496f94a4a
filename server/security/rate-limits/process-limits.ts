import "server-only";
import { isAllowlisted } from "../../allowlist/entries";
import { getEnv } from "../../config/env";
import { getDatabaseHandle } from "../../db";
import { RateLimits } from "./rate-limits";

const GLOBAL_KEY = Symbol.for("keel.rateLimits");
type GlobalWithLimits = typeof globalThis & { [GLOBAL_KEY]?: Promise<RateLimits> };

/** The process's rate limiters over its database; on globalThis so every module copy shares them. */
export function getRateLimits(): Promise<RateLimits> {
  const scope = globalThis as GlobalWithLimits;
  scope[GLOBAL_KEY] ??= getDatabaseHandle().then(
    (handle) =>
      new RateLimits({
        handle,
        db: handle.db,
        isAllowlisted: (ip) => isAllowlisted(handle.db, ip),
        settings: getEnv(),
      }),
  );
  return scope[GLOBAL_KEY];
}
