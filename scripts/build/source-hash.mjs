import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** What the production build is made from; any change to these makes the build stale. */
const SOURCE_ROOTS = ["app", "server", "db", "lib", "public", "scripts/build"];
const SOURCE_FILES = ["next.config.js", "package-lock.json", "tsconfig.json"];

function* walk(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

/** A hash of every source file the build reads (tests excluded). */
export function sourceHash(root) {
  const hash = createHash("sha256");
  const files = [
    ...SOURCE_ROOTS.flatMap((dir) => [...walk(path.join(root, dir))]),
    ...SOURCE_FILES.map((file) => path.join(root, file)).filter((file) => existsSync(file)),
  ].sort();
  for (const file of files) {
    if (/\.test\.tsx?$/.test(file) || !statSync(file).isFile()) continue;
    hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}
