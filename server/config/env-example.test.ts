import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_VARIABLES } from "./env";

/** Variables Keel's code reads that are not settings: set by Keel itself for Next.js, or the system's. */
const NOT_SETTINGS = new Set(["NEXTAUTH_URL", "NEXT_TELEMETRY_DISABLED", "PATH"]);
const SOURCE_ROOTS = ["server", "db", "lib", "app"];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) yield full;
  }
}

/** Every `process.env.NAME` outside the tests, besides what the env schema reads. */
function variablesReadInCode(): Set<string> {
  const names = new Set<string>();
  for (const file of SOURCE_ROOTS.flatMap((root) => [...sourceFiles(root)])) {
    for (const match of readFileSync(file, "utf8").matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(match[1]!);
  }
  return names;
}

/** Variables compose.yaml interpolates (they live in the same .env file). */
function variablesOfCompose(): Set<string> {
  return new Set(
    [...readFileSync("compose.yaml", "utf8").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!),
  );
}

function variablesInExample(): Set<string> {
  const text = readFileSync(".env.example", "utf8");
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!));
}

describe(".env.example", () => {
  const listed = variablesInExample();
  const settings = new Set([...ENV_VARIABLES, ...[...variablesReadInCode()].filter((name) => !NOT_SETTINGS.has(name))]);

  it("lists every setting server/config/env.ts validates", () => {
    expect(ENV_VARIABLES.length).toBeGreaterThan(30);
    expect(ENV_VARIABLES.filter((name) => !listed.has(name))).toEqual([]);
  });

  it("lists every other setting the server reads from process.env", () => {
    expect(settings.has("KEEL_WORKERS")).toBe(true);
    expect([...settings].filter((name) => !listed.has(name))).toEqual([]);
  });

  it("lists every variable compose.yaml needs", () => {
    expect([...variablesOfCompose()].filter((name) => !listed.has(name))).toEqual([]);
  });

  it("lists nothing that neither Keel nor compose.yaml reads", () => {
    const compose = variablesOfCompose();
    expect([...listed].filter((name) => !settings.has(name) && !compose.has(name))).toEqual([]);
  });
});
