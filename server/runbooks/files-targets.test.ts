import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRunbookFiles } from "./files";

const root = mkdtempSync(path.join(os.tmpdir(), "keel-runbook-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("runbook files beside the targets file", () => {
  it("does not read targets.yaml or targets.example.yaml as runbooks", async () => {
    for (const name of ["rollback.yaml", "targets.yaml", "targets.yml", "targets.example.yaml", "my-targets.yaml"])
      writeFileSync(path.join(root, name), "id: x\n");
    const { files } = await readRunbookFiles(root, ["."]);
    expect(files.map((file) => file.path)).toEqual(["my-targets.yaml", "rollback.yaml"]);
  });
});
