import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEST_KEYS } from "@/test/support/test-keys";
import { prepareEnvironment } from "./prepare-environment";

const NAMES = ["NODE_ENV", "KEEL_DEMO", "KEEL_DATA_DIR", ...Object.keys(TEST_KEYS)];
// NODE_ENV is typed read-only; these tests change it as an operator would.
const processEnv = process.env as Record<string, string | undefined>;

describe("prepareEnvironment and the demo environment", () => {
  let saved: Record<string, string | undefined>;
  let dataDir: string;
  beforeEach(() => {
    saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
    dataDir = mkdtempSync(path.join(os.tmpdir(), "keel-prepare-"));
    process.env.KEEL_DATA_DIR = dataDir;
    delete process.env.KEEL_DEMO;
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete processEnv[name];
      else processEnv[name] = value;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives a local install (NODE_ENV unset) the demo, though `npm start` serves it in production mode", () => {
    delete processEnv.NODE_ENV;
    for (const name of Object.keys(TEST_KEYS)) delete process.env[name];
    const env = prepareEnvironment("production", () => undefined);
    expect(env.NODE_ENV).toBe("production");
    expect(env.KEEL_DEMO).toBe("on");
  });

  it("leaves it off when the operator set NODE_ENV=production, unless KEEL_DEMO=on", () => {
    Object.assign(process.env, TEST_KEYS, { NODE_ENV: "production" });
    expect(prepareEnvironment("production", () => undefined).KEEL_DEMO).toBe("off");
    processEnv.NODE_ENV = "production";
    process.env.KEEL_DEMO = "on";
    expect(prepareEnvironment("production", () => undefined).KEEL_DEMO).toBe("on");
  });

  it("keeps KEEL_DEMO=off on a local install", () => {
    delete processEnv.NODE_ENV;
    Object.assign(process.env, TEST_KEYS, { KEEL_DEMO: "off" });
    expect(prepareEnvironment("production", () => undefined).KEEL_DEMO).toBe("off");
  });
});
