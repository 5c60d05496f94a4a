import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configKeyHints } from "./config-keys";

describe("configKeyHints", () => {
  it("lists each key with its type, whether it is required, and its default", () => {
    const schema = z.strictObject({
      healthUrl: z.url(),
      timeoutSeconds: z.number().int().default(5),
      strategy: z.enum(["git", "command"]).describe("How to roll back"),
      hosts: z.array(z.string()).optional(),
    });
    expect(configKeyHints(schema)).toEqual([
      { key: "healthUrl", type: "URL", required: true },
      { key: "timeoutSeconds", type: "integer", required: false, defaultValue: "5" },
      { key: "strategy", type: 'one of "git", "command"', required: true, description: "How to roll back" },
      { key: "hosts", type: "list", required: false },
    ]);
  });

  it("gives no hints for a schema JSON Schema cannot describe", () => {
    expect(configKeyHints(z.custom<{ a: 1 }>(() => true))).toEqual([]);
  });
});

describe("configKeyHints for a config of several shapes", () => {
  it("lists shared keys once and each shape's own keys with the value that selects it", () => {
    const common = { backupDirectory: z.string(), mode: z.enum(["swap", "in-place"]).default("swap") };
    const schema = z.discriminatedUnion("driver", [
      z.strictObject({ driver: z.literal("postgres"), urlSecret: z.string(), ...common }),
      z.strictObject({ driver: z.literal("embedded"), dataDir: z.string(), ...common }),
    ]);
    expect(configKeyHints(schema)).toEqual([
      { key: "driver", type: 'one of "postgres", "embedded"', required: true },
      { key: "backupDirectory", type: "string", required: true },
      { key: "mode", type: 'one of "swap", "in-place"', required: false, defaultValue: '"swap"' },
      { key: "urlSecret", type: "string", required: true, when: "driver: postgres" },
      { key: "dataDir", type: "string", required: true, when: "driver: embedded" },
    ]);
  });
});
