import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What a production build is made from; any change to these means the build is stale. */
const SOURCE_ROOTS = ["app", "server", "db", "lib", "public"];
const SOURCE_FILES = ["next.config.js", "package-lock.json", "tsconfig.json"];
const STAMP = path.join(".next", "keel-source-hash");

function* walk(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

export function sourceHash(root = process.cwd()): string {
  const hash = createHash("sha256");
  const files = [
    ...SOURCE_ROOTS.flatMap((dir) => [...walk(path.join(root, dir))]),
    ...SOURCE_FILES.map((f) => path.join(root, f)).filter((f) => existsSync(f)),
  ].sort();
  for (const file of files) {
    if (/\.test\.tsx?$/.test(file) || !statSync(file).isFile()) continue;
    hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** Builds the console when there is no build or the sources changed since the last one. */
export function ensureProductionBuild(log: (line: string) => void, root = process.cwd()): void {
  const wanted = sourceHash(root);
  const stamp = path.join(root, STAMP);
  const built = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(stamp) ? readFileSync(stamp, "utf8") : null;
  if (built === wanted) return;
  log(built ? "Sources changed since the last build; rebuilding the console…" : "Building the console (the first start takes a minute or two)…");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed; see the output above");
  writeFileSync(stamp, wanted);
}
