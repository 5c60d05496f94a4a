import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";

export const SECRETS_USED_FILE = path.resolve("test-results", "secrets-used.txt");
export const LOG_DIR = path.resolve("test-results", "logs");

/**
 * Remembers a password, token or secret a test used, so that the final check of the run
 * (scripts/check-logs-for-secrets.ts) can prove it never reached a log.
 */
export function rememberSecret(value: string): string {
  mkdirSync(path.dirname(SECRETS_USED_FILE), { recursive: true });
  appendFileSync(SECRETS_USED_FILE, `${value}\n`);
  return value;
}
