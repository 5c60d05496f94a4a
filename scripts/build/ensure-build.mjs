/**
 * Builds when there is no production build or the sources changed since the last one, so
 * `npm start` works on a fresh clone and after every edit. `node scripts/build/ensure-build.mjs`
 * does only that (npm test runs it once; the deploy test and the journeys then share the build).
 */
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { buildKeel } from "./build.mjs";
import { buildLayout } from "./layout.mjs";
import { sourceHash } from "./source-hash.mjs";

export async function ensureBuild(root, say) {
  const layout = buildLayout(root);
  const built = existsSync(layout.stamp) && existsSync(layout.server) ? JSON.parse(readFileSync(layout.stamp, "utf8")).sourceHash : null;
  if (built === sourceHash(root)) return layout;
  say(built ? "Sources changed since the last build; rebuilding the console…" : "Building the console (the first start takes a few minutes)…");
  return buildKeel(root, say);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  ensureBuild(process.cwd(), (line) => process.stdout.write(`${line}\n`)).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
