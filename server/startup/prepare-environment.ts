import path from "node:path";
import { EnvError, parseEnv, REQUIRED_SECRETS, type Env, type SecretName } from "../config/env";
import { loadOrCreateLocalSecrets } from "../config/local-secrets";

/**
 * Settles the process environment before anything reads it. Outside production, missing keys
 * come from .data/local-secrets.json (generated once); in production they must be configured,
 * and start-up stops with instructions when they are not. The demo environment follows the same
 * line: a local install (NODE_ENV unset) gets it unless KEEL_DEMO=off, a production one only with
 * KEEL_DEMO=on.
 */
export function prepareEnvironment(mode: "production" | "development", say: (line: string) => void): Env {
  const userAskedForProduction = process.env.NODE_ENV === "production";
  const missing = (Object.keys(REQUIRED_SECRETS) as SecretName[]).filter((name) => !process.env[name]);
  if (missing.length > 0 && !userAskedForProduction) {
    const dataDir = path.resolve(process.env.KEEL_DATA_DIR ?? ".data");
    const local = loadOrCreateLocalSecrets(dataDir);
    for (const name of missing) process.env[name] = local[name];
    say(
      `Using locally generated keys for ${missing.join(", ")} (kept in ${path.join(dataDir, "local-secrets.json")}).`,
    );
    say("This is for a local install only: set them in the environment before running with NODE_ENV=production.");
  }
  if (!userAskedForProduction) process.env.KEEL_DEMO ??= "on";
  (process.env as Record<string, string>).NODE_ENV = mode;
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`\n${error.message}\n\n`);
      process.exit(1);
    }
    throw error;
  }
}
