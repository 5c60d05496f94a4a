import { readdirSync } from "node:fs";
import path from "node:path";
import { build, type Metafile } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The TypeScript sources under `directory` (tests left out), as paths from the project root. */
export function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(ROOT, directory), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => path.join(directory, file).split(path.sep).join("/"));
}

/**
 * The run-time import graph of these entries, as esbuild bundles it: type-only imports are
 * erased, the `@/` alias is followed, packages are left out. Keys are paths from the project root.
 */
export async function importGraph(
  entries: string[],
  platform: "browser" | "node" = "node",
): Promise<Metafile["inputs"]> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    outdir: "out",
    format: "esm",
    platform,
    packages: "external",
    loader: { ".css": "empty", ".svg": "empty" },
    logLevel: "silent",
  });
  return result.metafile.inputs;
}

/** Every project file these entries load at run time, directly or through others. */
export async function modulesReachedFrom(entries: string[], platform?: "browser" | "node"): Promise<string[]> {
  return Object.keys(await importGraph(entries, platform));
}

/** Every project file `entry` loads at run time, each with the chain of imports that reaches it. */
export async function runtimeImportChains(entry: string): Promise<Map<string, string[]>> {
  const graph = await importGraph([entry]);
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.shift()!;
    for (const { path: imported } of graph[file]?.imports ?? []) {
      if (chains.has(imported) || !(imported in graph)) continue;
      chains.set(imported, [...chains.get(file)!, imported]);
      pending.push(imported);
    }
  }
  return chains;
}
