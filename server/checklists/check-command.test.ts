import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createBuiltinRegistry } from "../engine/builtins";
import { checkTemplateDirectories } from "./check-command";

const check = (directories: string[], root = process.cwd()) =>
  checkTemplateDirectories({ root, directories, registry: createBuiltinRegistry() });

describe("runbooks:check for checklist templates", () => {
  it("counts the shipped templates when every one is valid", async () => {
    expect(await check(["runbooks"])).toEqual({ ok: true, lines: ["4 checklist template files OK"] });
    expect(await check(["test/fixtures/runbooks"])).toEqual({ ok: true, lines: ["1 checklist template file OK"] });
    expect(await check(["test/fixtures/runbooks-earlier"])).toEqual({
      ok: true,
      lines: ["0 checklist template files OK"],
    });
  });

  it("prints every problem as path:line:column message, then a count", async () => {
    const result = await check(["test/fixtures/checklist-templates-invalid"]);
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toBe(
      "test/fixtures/checklist-templates-invalid/checklists/broken.yaml:16:37 sections[0].items[2].verify.url: use an http:// or https:// URL, or one starting with {{serviceUrl}}",
    );
    expect(result.lines.slice(1, 3)).toEqual([
      "test/fixtures/checklist-templates-invalid/checklists/broken.yaml:17:9 sections[0].items[3].title: required",
      "test/fixtures/checklist-templates-invalid/checklists/broken.yaml:18:9 sections[0].items[3].titel: unknown key; check its spelling and indentation",
    ]);
    expect(result.lines.at(-1)).toBe("1 of 2 checklist template files has problems");
  });

  it("names unknown checks and repeated ids once the schema passes", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "keel-template-check-"));
    cpSync(
      "test/fixtures/checklist-templates-invalid/checklists/broken.yaml",
      path.join(root, "books/checklists/broken.yaml"),
    );
    // Fix the schema problems so the semantic rules run.
    const { readFileSync, writeFileSync } = await import("node:fs");
    const file = path.join(root, "books/checklists/broken.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace('url: "ftp://example.test"', 'url: "https://example.test"')
        .replace("titel:", "title:"),
    );
    cpSync("runbooks/checklists/production-readiness.yaml", path.join(root, "books/checklists/a-first.yaml"));
    cpSync(
      "test/fixtures/checklist-templates-invalid/checklists/twin.yaml",
      path.join(root, "books/checklists/twin.yaml"),
    );
    const result = await check(["books"], root);
    expect(result.lines).toEqual([
      expect.stringMatching(
        /^books\/checklists\/broken\.yaml:11:40 sections\[0\]\.items\[0\]\.verify\.check: no check "keel\.teleport" is registered \(registered checks: .*keel\.audit-chain.*\)$/,
      ),
      'books/checklists/broken.yaml:12:13 sections[0].items[1].id: item id "a" is used twice; each item needs its own id',
      'books/checklists/twin.yaml:1:5 id: template id "production-readiness" is already declared by books/checklists/a-first.yaml; each template file needs its own id',
      "2 of 3 checklist template files have problems",
    ]);
    rmSync(root, { recursive: true, force: true });
  });
});
