import { readFileSync } from "node:fs";
import path from "node:path";
import { E2E_DRIVER } from "./config";

/** The e2e console's KEEL_DATA_DIR (a temporary directory scripts/e2e-server.ts writes down for the journeys). */
export function e2eDataDir(): string {
  return readFileSync(path.resolve("test-results", `e2e-data-dir-${E2E_DRIVER}.txt`), "utf8").trim();
}

/** Where the demo environment of the e2e console keeps its files. */
export function e2eDemoRoot(): string {
  return path.join(e2eDataDir(), "demo");
}
