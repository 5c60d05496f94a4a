import { readFileSync } from "node:fs";
import path from "node:path";
import { E2E_DATA_DIR_FILE } from "./config";

/** The e2e console's KEEL_DATA_DIR (a temporary directory scripts/e2e-server.ts writes down for the journeys). */
export function e2eDataDir(): string {
  return readFileSync(E2E_DATA_DIR_FILE, "utf8").trim();
}

/** Where the demo environment of the e2e console keeps its files. */
export function e2eDemoRoot(): string {
  return path.join(e2eDataDir(), "demo");
}
