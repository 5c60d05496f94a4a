import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { runbookDefinition, type InputDefinition } from "./definition";
import { buildInputSchema } from "./input-schema";

const backup: InputDefinition = {
  name: "backup",
  type: "string",
  label: "Backup file",
  required: false,
  maxLength: 200,
  multiline: false,
  pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*\\.(dump|sql)$",
  patternHint: "a file name only, ending in .dump or .sql",
};

describe("a string input with a pattern", () => {
  it("says what the format is, in the runbook's words", () => {
    const parsed = buildInputSchema([backup]).safeParse({ backup: "../../etc/passwd" });
    expect(parsed.success).toBe(false);
    expect(fieldErrorsOf(parsed.error!)).toEqual({
      backup: "Backup file must be a file name only, ending in .dump or .sql.",
    });
  });

  it("shows the pattern itself when the runbook gives no words for it", () => {
    const parsed = buildInputSchema([{ ...backup, patternHint: undefined }]).safeParse({ backup: "x" });
    expect(fieldErrorsOf(parsed.error!).backup).toBe(
      "Backup file must match the pattern ^[A-Za-z0-9][A-Za-z0-9._-]*\\.(dump|sql)$.",
    );
  });
});

describe("backupOf", () => {
  const runbook = (inputs: unknown[]) => ({
    id: "restore",
    title: "Restore",
    summary: "Restore a backup",
    risk: "high",
    inputs,
    steps: [{ id: "confirm", kind: "manual", title: "Confirm", instructions: "Confirm it." }],
  });

  it("names a database input of the same runbook", () => {
    const database = { name: "database", type: "ref", target: "database", label: "Database" };
    const backupInput = { name: "backup", type: "string", label: "Backup file", backupOf: "database" };
    expect(runbookDefinition.safeParse(runbook([database, backupInput])).success).toBe(true);
    const wrong = runbookDefinition.safeParse(runbook([{ ...database, target: "service" }, backupInput]));
    expect(wrong.success).toBe(false);
    expect(wrong.error!.issues[0]).toMatchObject({ path: ["inputs", 1, "backupOf"] });
  });
});
