import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(ROOT, directory), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => path.join(directory, file).split(path.sep).join("/"));
}

/** A module that only declares types: esbuild erases it, so no entry "reaches" it at run time. */
function declaresOnlyTypes(file: string): boolean {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return !/^export\s+(?!type\b|interface\b)/m.test(text);
}

describe("the product tree", () => {
  it("holds only what the product runs: every module in server/, lib/ and db/ is loaded by the process, a page or a CLI", async () => {
    const entries = [
      "server/main.ts",
      ...sourceFiles("scripts").filter((file) => file.split("/").length === 2),
      ...sourceFiles("app"),
    ];
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: entries,
      bundle: true,
      write: false,
      metafile: true,
      outdir: "out",
      format: "esm",
      platform: "node",
      packages: "external",
      loader: { ".css": "empty", ".svg": "empty" },
      logLevel: "silent",
    });
    const reached = new Set(Object.keys(result.metafile.inputs));
    const product = [...sourceFiles("server"), ...sourceFiles("lib"), ...sourceFiles("db")];

    // Test support (generators, models, fakes) lives in test/, so line counts describe the product.
    const notProduct = product.filter((file) => !reached.has(file) && !declaresOnlyTypes(file));
    expect(product.length).toBeGreaterThan(200);
    expect(notProduct).toEqual([]);
  }, 60_000);
});
