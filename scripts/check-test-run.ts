/**
 * The last step of `npm test`: proves what a passing suite cannot show by itself.
 * 1. No password, token or secret that the tests used appears in any log of the run, in plain,
 *    base64 or URL-encoded form (invariant 2).
 * 2. The audit chain of every e2e console verified end to end after the journeys (invariant 3).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { findSecrets } from "../test/support/secret-scan";
import { LOG_DIR, SECRETS_USED_FILE } from "../test/support/secrets-used";
import { TEST_KEYS } from "../test/support/test-keys";

function main(): void {
  const problems: string[] = [];
  const secrets = new Set<string>(Object.values(TEST_KEYS));
  if (existsSync(SECRETS_USED_FILE)) {
    for (const line of readFileSync(SECRETS_USED_FILE, "utf8").split("\n")) if (line.trim()) secrets.add(line.trim());
  }
  const logs = existsSync(LOG_DIR) ? readdirSync(LOG_DIR).filter((f) => f.endsWith(".log")) : [];
  if (logs.length === 0) problems.push(`no logs found in ${LOG_DIR}: the run wrote none, so nothing was proven`);
  let bytes = 0;
  for (const file of logs) {
    const text = readFileSync(path.join(LOG_DIR, file), "utf8");
    bytes += text.length;
    for (const { secret, form } of findSecrets(text, [...secrets])) {
      problems.push(
        `${file} contains a secret the tests used (${secret.slice(0, 4)}…, as ${form === secret ? "plain text" : "an encoding"})`,
      );
    }
  }
  const verifications = existsSync("test-results")
    ? readdirSync("test-results").filter((f) => f.startsWith("audit-verify-"))
    : [];
  if (verifications.length === 0)
    problems.push("no audit verification result: the e2e console did not shut down cleanly");
  for (const file of verifications) {
    const line = readFileSync(path.join("test-results", file), "utf8").trim();
    if (!line.startsWith("OK ")) problems.push(`${file}: ${line}`);
    else if (!line.includes("reaches the witness checkpoint"))
      problems.push(`${file}: the e2e console left no witness checkpoint (${line})`);
    else process.stdout.write(`audit chain after the e2e journeys (${file.slice(13, -4)}): ${line}\n`);
  }
  if (problems.length > 0) {
    process.stderr.write(`Test run check failed:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `No secret found in ${logs.length} log file(s) (${(bytes / 1024).toFixed(0)} KiB, ${secrets.size} secrets in 4 encodings).\n`,
  );
}

main();
