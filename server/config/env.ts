import { z } from "zod";
import { isRole, type Role } from "@/lib/roles";
import { DEFAULT_RUNBOOK_DIRS, splitRunbookDirectories } from "../runbooks/directories";
import { rateLimitSettings } from "./rate-limit-settings";
import { workerSettings } from "./worker-settings";

/**
 * Secrets Keel refuses to start without (seed 001, fix 4: no insecure fallback). `npm start`
 * and `npm run dev` generate local ones under .data/ when NODE_ENV is not production; a
 * production deployment must set them.
 */
export const REQUIRED_SECRETS = {
  AUTH_SECRET: "signs session cookies",
  AUDIT_HMAC_KEY: "fingerprints secret values in the audit trail",
  ENCRYPTION_KEY: "encrypts the secret store (32 bytes, base64)",
  AUDIT_SIGNING_KEY: "signs the audit trail (the Ed25519 seed: 32 bytes, base64)",
} as const;

export type SecretName = keyof typeof REQUIRED_SECRETS;

export const GENERATE_SECRET_COMMAND = "openssl rand -base64 32";

const base64Key32 = z.string().refine((value) => Buffer.from(value, "base64").length === 32, {
  message: `must be 32 random bytes in base64; generate one with: ${GENERATE_SECRET_COMMAND}`,
});
const longSecret = z.string().min(32, `must be at least 32 characters; generate one with: ${GENERATE_SECRET_COMMAND}`);

/** A retention period: a whole number of `unit`, 0 meaning "keep forever". */
function retention(unit: "days" | "hours", fallback: number) {
  const message = `must be a whole number of ${unit} (0 keeps forever)`;
  // An empty value is a mistake, not "0": it would silently keep everything forever.
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().max(unit === "days" ? 3650 : 87600, "must be at most ten years"))
    .default(fallback);
}

/** A whole number of `unit` between `min` and `max`, written as digits (spaces around allowed). */
function wholeNumber(unit: string, min: number, max: number) {
  const message = `must be a whole number of ${unit} from ${min.toLocaleString("en")} to ${max.toLocaleString("en")}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Interface to listen on; 127.0.0.1 keeps a laptop install private. Deployments set 0.0.0.0. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed. */
  TRUSTED_PROXIES: z.string().default(""),
  KEEL_PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().optional(),
  KEEL_DATA_DIR: z.string().default(".data"),
  AUTH_SECRET: longSecret,
  AUDIT_HMAC_KEY: longSecret,
  ENCRYPTION_KEY: base64Key32,
  AUDIT_SIGNING_KEY: base64Key32,
  /** Public keys (base64) of earlier audit signing keys, comma-separated: rows they signed still verify. */
  AUDIT_TRUSTED_KEYS: z.string().default(""),
  /** A second place for audit checkpoints, on other storage than the data directory. */
  KEEL_AUDIT_WITNESS_DIR: z.string().trim().min(1, "must name a directory (or leave it unset)").optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_DISPLAY_NAME: z.string().min(1).default("Single sign-on"),
  OIDC_AUTO_CREATE_ROLE: z
    .string()
    .optional()
    .refine((v) => v === undefined || isRole(v), { message: "must be one of viewer, responder, lead, admin" }),
  KEEL_INITIAL_ADMIN_EMAIL: z.email().default("admin@keel.local"),
  KEEL_INITIAL_ADMIN_PASSWORD: z.string().min(12).optional(),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .default(7 * 24),
  SESSION_IDLE_TIMEOUT_MINUTES: z.coerce
    .number()
    .positive()
    .default(12 * 60),
  /**
   * How long each process may answer "who is this session" from memory before asking the database
   * again; sign-out, revocation, disabling, role and password changes reach every instance at once
   * through NOTIFY. 0 asks the database on every request.
   */
  KEEL_SESSION_CACHE_SECONDS: z.coerce
    .number({ message: "must be a whole number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be 0 (off) or more")
    .max(60, "must be at most 60 seconds")
    .default(5),
  /**
   * Build the demo environment at first start. Unset, it is off when NODE_ENV=production (a team's
   * deployment: the demo creates databases on the server Keel uses) and on otherwise.
   */
  KEEL_DEMO: z.enum(["on", "off"]).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  KEEL_LOG_FILE: z.string().optional(),
  /** Comma-separated directories whose *.yaml files are runbooks, relative to where Keel starts. */
  KEEL_RUNBOOK_DIRS: z.string().default(DEFAULT_RUNBOOK_DIRS.join(",")),
  /** The targets file, read at every start (relative to where Keel starts); a missing file declares no targets. */
  KEEL_TARGETS_FILE: z
    .string()
    .trim()
    .min(1, "must name a file (default runbooks/targets.yaml)")
    .default("runbooks/targets.yaml"),
  /** Bearer token a Prometheus scraper sends to /api/metrics; unset, metrics are off. */
  KEEL_METRICS_TOKEN: longSecret.optional(),
  /** Retention of operational data (never the audit trail); 0 keeps that kind forever. */
  KEEL_RETENTION_STEP_OUTPUT_DAYS: retention("days", 90),
  KEEL_RETENTION_SESSIONS_DAYS: retention("days", 30),
  KEEL_RETENTION_RATE_LIMITS_HOURS: retention("hours", 24),
  KEEL_RETENTION_JOBS_DAYS: retention("days", 7),
  KEEL_RETENTION_SWEEP_MINUTES: z.coerce
    .number({ message: "must be a whole number of minutes" })
    .int("must be a whole number of minutes")
    .min(1, "must be at least 1 minute")
    .max(7 * 24 * 60, "must be at most a week (10080 minutes)")
    .default(60),
  /** Keel backs up its own database every this many hours (0: never); see server/backups/self-backup.ts. */
  KEEL_SELF_BACKUP_HOURS: z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number of hours (0 turns the self-backup off)")
    .transform(Number)
    .pipe(z.number().max(24 * 365, "must be at most a year (8760 hours)"))
    .default(24),
  /** Where the self-backups go; default <KEEL_DATA_DIR>/backups/keel. */
  KEEL_SELF_BACKUP_DIR: z
    .string()
    .trim()
    .min(1, "must name a directory (or leave it unset for <KEEL_DATA_DIR>/backups/keel)")
    .optional(),
  /** How many self-backups are kept; older ones are deleted after each new backup. */
  KEEL_SELF_BACKUP_KEEP: z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number of backups (at least 1)")
    .transform(Number)
    .pipe(z.number().min(1, "must keep at least 1 backup").max(1000, "must be at most 1000"))
    .default(7),
  /** On SIGTERM, how long steps in flight may run on before they are handed back as interrupted. */
  KEEL_SHUTDOWN_GRACE_SECONDS: z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number of seconds (0 hands steps in flight back at once)")
    .transform(Number)
    .pipe(z.number().max(3600, "must be at most an hour (3600 seconds)"))
    .default(60),
  /** A high-risk step asks for the password again when the last proof of it is older than this. */
  KEEL_REAUTH_MINUTES: z.coerce
    .number({ message: "must be a whole number of minutes" })
    .int("must be a whole number of minutes")
    .min(1, "must be at least 1 minute")
    .max(24 * 60, "must be at most a day (1440 minutes)")
    .default(15),
  /** Connections in each instance's pool (besides the LISTEN connection and the step-lease connection). */
  DATABASE_POOL_MAX: wholeNumber("connections", 1, 1000).default(10),
  /** How often each engine process removes expired allowlist entries, and expires checklist waivers and re-runs stale checks. */
  KEEL_ALLOWLIST_SWEEP_MS: wholeNumber("milliseconds", 1000, 86_400_000).default(60_000),
  KEEL_CHECKLIST_SWEEP_MS: wholeNumber("milliseconds", 1000, 86_400_000).default(60_000),
  /** The rate limits (README, "Rate limits"). */
  ...rateLimitSettings,
  /** Which steps this instance executes (README, "Several instances"). */
  ...workerSettings,
});

/** Every variable the schema reads: `.env.example` lists each one (server/config/env-example.test.ts). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export type Env = Omit<z.infer<typeof envSchema>, "OIDC_AUTO_CREATE_ROLE" | "KEEL_DEMO"> & {
  OIDC_AUTO_CREATE_ROLE?: Role;
  KEEL_DEMO: "on" | "off";
  publicUrl: string;
  runbookDirectories: string[];
  oidc: { issuer: string; clientId: string; clientSecret: string; displayName: string } | null;
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Keel cannot start; its configuration has problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Validates the environment. Every problem is reported at once, each naming its variable. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const problems: string[] = [];
  for (const [name, purpose] of Object.entries(REQUIRED_SECRETS)) {
    if (!source[name]) {
      problems.push(`${name} is not set (it ${purpose}). Generate one with: ${GENERATE_SECRET_COMMAND}`);
    }
  }
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join(".");
      if (!source[name] && name in REQUIRED_SECRETS) continue; // already reported above
      problems.push(`${name} ${issue.message}`);
    }
  }
  const oidcVars = [source.OIDC_ISSUER, source.OIDC_CLIENT_ID, source.OIDC_CLIENT_SECRET];
  if (oidcVars.some(Boolean) && !oidcVars.every(Boolean)) {
    problems.push("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together to enable single sign-on");
  }
  if (problems.length > 0 || !parsed.success) throw new EnvError(problems);

  const env = parsed.data;
  return {
    ...env,
    OIDC_AUTO_CREATE_ROLE: env.OIDC_AUTO_CREATE_ROLE as Role | undefined,
    KEEL_DEMO: env.KEEL_DEMO ?? (env.NODE_ENV === "production" ? "off" : "on"),
    publicUrl: (env.KEEL_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
    runbookDirectories: splitRunbookDirectories(env.KEEL_RUNBOOK_DIRS),
    oidc:
      env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
        ? {
            issuer: env.OIDC_ISSUER,
            clientId: env.OIDC_CLIENT_ID,
            clientSecret: env.OIDC_CLIENT_SECRET,
            displayName: env.OIDC_DISPLAY_NAME,
          }
        : null,
  };
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use (never at import time). */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvForTests(): void {
  cached = undefined;
}
