/**
 * `npm run audit:verify-export -- [--public-key <key>] <file.ndjson|file.csv>`: verifies an audit
 * export offline, with no database and only Keel's public key (this installation's own when
 * none is given). Prints `OK <rows> rows …` and exits 0, or the first bad row (line and
 * sequence number) and what is wrong with it and exits 1. See README, "Verifying an audit export
 * offline".
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { verifierForCli } from "../server/audit/cli-keys";
import { verifyExportLines } from "../server/audit/offline-verify";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { "public-key": { type: "string", multiple: true } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write("Usage: npm run audit:verify-export -- [--public-key <key>] <export.ndjson|export.csv>\n");
    process.exit(2);
  }
  const verifier = verifierForCli(values["public-key"] ?? []);
  const format = file.toLowerCase().endsWith(".csv") ? "csv" : "ndjson";
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  const result = await verifyExportLines(lines, format, verifier);
  if (result.ok) {
    const range = result.firstSeq === null ? "" : `, sequences ${result.firstSeq} to ${result.lastSeq}`;
    process.stdout.write(
      `OK ${result.rows} rows${range}: ${result.signed} rows carry a valid Keel signature; ${result.rows - result.signed} older rows match their hashes, ${result.linked} links between consecutive sequences checked` +
        (result.gaps > 0 ? `; ${result.gaps} gaps (a filtered export) where continuity cannot be checked` : "") +
        "\n",
    );
    return;
  }
  process.stdout.write(
    `BROKEN at line ${result.line}${result.seq !== null ? ` (sequence ${result.seq})` : ""}: ${result.problem}\n`,
  );
  process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
