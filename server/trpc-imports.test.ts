import { describe, expect, it } from "vitest";
import { runtimeImportChains } from "@/test/support/import-graph";

/** The files under `folder` that `entry` loads at run time, each with the chain that reaches it. */
async function reached(entry: string, folder: string): Promise<string[]> {
  return [...(await runtimeImportChains(entry))]
    .filter(([file]) => file.startsWith(folder))
    .map(([, chain]) => chain.join(" → "));
}

describe("what the tRPC base depends on", () => {
  it("server/trpc.ts loads nothing from the run engine, directly or through another module", async () => {
    expect(await reached("server/trpc.ts", "server/engine/")).toEqual([]);
  });

  it("the walk does follow imports: the runs router does reach the engine", async () => {
    expect(await reached("server/routers/runs.ts", "server/engine/")).toContain(
      "server/routers/runs.ts → server/engine/dispatch.ts",
    );
  });
});
