import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importGraph, modulesReachedFrom, sourceFiles } from "@/test/support/import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");

function isClientEntry(file: string): boolean {
  return /^\s*["']use client["']/m.test(readFileSync(path.join(ROOT, file), "utf8"));
}

describe("the browser bundle's boundary", () => {
  it("no client component and nothing in lib/ reaches server/ or db/, even through other files", async () => {
    const clientEntries = [...sourceFiles("app"), ...sourceFiles("lib")].filter(
      (file) => file.startsWith("lib/") || isClientEntry(file),
    );
    expect(clientEntries.length).toBeGreaterThan(50);

    const reached = await modulesReachedFrom(clientEntries);

    expect(reached.some((file) => file.startsWith("lib/"))).toBe(true);
    expect(reached.filter((file) => /^(server|db)\//.test(file))).toEqual([]);
  }, 60_000);

  it("follows the @/ alias into db/ (so an import through it would be seen)", async () => {
    const reached = await modulesReachedFrom(["server/incidents/queries.ts"]);
    expect(reached).toContain("db/schema/incidents.ts");
  });

  it("every server module a page or route imports is guarded by server-only, unless the process or a CLI loads it too", async () => {
    const appSources = sourceFiles("app");
    const importedByApp = await directServerImports(appSources);
    // The process entry, the command-line scripts and the test processes run outside React's server graph, where
    // `server-only` throws; modules they load are kept out of the browser by the test above.
    const processEntries = [
      "server/main.ts",
      ...sourceFiles("scripts").filter((file) => file.split("/").length === 2),
      // Real processes the tests start and kill (instances, workers) run through tsx too.
      ...sourceFiles("test/fixtures/processes"),
    ];
    const loadedByProcess = new Set(await modulesReachedFrom(processEntries, "node"));

    const unguarded = importedByApp.filter(
      (file) =>
        !loadedByProcess.has(file) && !readFileSync(path.join(ROOT, file), "utf8").includes('import "server-only";'),
    );
    expect(importedByApp.length).toBeGreaterThan(20);
    expect(unguarded).toEqual([]);
  }, 60_000);
});

/** The server/ and db/ modules that these files import themselves (run-time imports only). */
async function directServerImports(files: string[]): Promise<string[]> {
  const graph = await importGraph(files);
  const direct = new Set<string>();
  for (const file of files) {
    for (const imported of graph[file]?.imports ?? []) {
      if (/^(server|db)\//.test(imported.path)) direct.add(imported.path);
    }
  }
  return [...direct].sort();
}
