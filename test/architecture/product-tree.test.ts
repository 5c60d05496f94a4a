import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { modulesReachedFrom, sourceFiles } from "@/test/support/import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");

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
    const reached = new Set(await modulesReachedFrom(entries));
    const product = [...sourceFiles("server"), ...sourceFiles("lib"), ...sourceFiles("db")];

    // Test support (generators, models, fakes) lives in test/, so line counts describe the product.
    const notProduct = product.filter((file) => !reached.has(file) && !declaresOnlyTypes(file));
    expect(product.length).toBeGreaterThan(200);
    expect(notProduct).toEqual([]);
  }, 60_000);
});
