import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REQUIRED_SECRETS, type SecretName } from "./env";

/**
 * For a newcomer's machine only: random keys kept in <data dir>/local-secrets.json (mode 0600)
 * so that `npm start` works with no configuration. Never used when NODE_ENV=production.
 */
export function loadOrCreateLocalSecrets(dataDir: string): Record<SecretName, string> {
  const file = path.join(dataDir, "local-secrets.json");
  const existing: Partial<Record<SecretName, string>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<Record<SecretName, string>>)
    : {};
  const secrets = {} as Record<SecretName, string>;
  let changed = false;
  for (const name of Object.keys(REQUIRED_SECRETS) as SecretName[]) {
    const value = existing[name];
    if (value) {
      secrets[name] = value;
    } else {
      secrets[name] = randomBytes(32).toString("base64");
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}
