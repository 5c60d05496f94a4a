/**
 * `npm run audit:verify-export -- <file.ndjson|file.csv>`: verifies an audit export offline, with
 * no database and no key. Prints `OK <rows> rows …` and exits 0, or the first bad row (line and
 * sequence number) and what is wrong with it and exits 1. See README, "Verifying an audit export
 * offline".
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { verifyExportLines } from "../server/audit/offline-verify";

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((arg) => arg !== "--");
  if (!file) {
    process.stderr.write("Usage: npm run audit:verify-export -- <export.ndjson|export.csv>\n");
    process.exit(2);
  }
  const format = file.toLowerCase().endsWith(".csv") ? "csv" : "ndjson";
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  const result = await verifyExportLines(lines, format);
  if (result.ok) {
    const range = result.firstSeq === null ? "" : `, sequences ${result.firstSeq} to ${result.lastSeq}`;
    process.stdout.write(
      `OK ${result.rows} rows${range}: every row's hash matches its fields; ${result.linked} links between consecutive sequences checked` +
        (result.gaps > 0 ? `; ${result.gaps} gaps (a filtered export) where continuity cannot be checked` : "") +
        "\n",
    );
    return;
  }
  process.stdout.write(`BROKEN at line ${result.line}${result.seq !== null ? ` (sequence ${result.seq})` : ""}: ${result.problem}\n`);
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
