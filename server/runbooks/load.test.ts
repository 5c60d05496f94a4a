import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, runbookFiles, runbooks, runbookVersions, runs } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { verifyAuditChain } from "../audit/verify";
import { createBuiltinRegistry } from "../engine/builtins";
import { sha256 } from "./files";
import { describeLoadSummary, invalidFileLines, loadRunbooks } from "./load";

let handle: TestDatabase;
let root: string;
const registry = createBuiltinRegistry();

beforeAll(async () => {
  handle = await createTestDatabase();
  root = mkdtempSync(path.join(os.tmpdir(), "keel-runbooks-"));
  mkdirSync(path.join(root, "runbooks"));
  mkdirSync(path.join(root, "more"));
});
afterAll(async () => {
  expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  await handle.drop();
  rmSync(root, { recursive: true, force: true });
});

const load = (directories = ["runbooks"]) =>
  loadRunbooks(handle.db, { directories, registry, actor: systemActor(), root });

function write(relativePath: string, text: string): string {
  writeFileSync(path.join(root, relativePath), text);
  return text;
}

function remove(relativePath: string): void {
  rmSync(path.join(root, relativePath));
}

function runbookText(
  id: string,
  { seconds = 5, title = `Runbook ${id}` }: { seconds?: number; title?: string } = {},
): string {
  return [
    `id: ${id}`,
    `title: ${title}`,
    "summary: Waits, for the loader tests.",
    "risk: low",
    "services: [checkout]",
    "tags: [test]",
    "steps:",
    "  - id: pause",
    "    kind: action",
    "    title: Pause",
    "    action: keel.wait",
    "    input:",
    `      seconds: ${seconds}`,
    "",
  ].join("\n");
}

async function auditOf(entityType: string, entityId: string) {
  return handle.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)))
    .orderBy(auditEvents.seq);
}

async function versionsOf(runbookId: string) {
  return handle.db
    .select()
    .from(runbookVersions)
    .where(eq(runbookVersions.runbookId, runbookId))
    .orderBy(runbookVersions.number);
}

async function runbookRow(runbookId: string) {
  const [row] = await handle.db.select().from(runbooks).where(eq(runbooks.id, runbookId));
  return row!;
}

async function fileRow(filePath: string) {
  const [row] = await handle.db.select().from(runbookFiles).where(eq(runbookFiles.path, filePath));
  return row;
}

describe(`loadRunbooks (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("loads a new file as version 1, with its catalog row, file record and audit event", async () => {
    const text = write("runbooks/first.yaml", runbookText("first", { title: "First runbook" }));
    const summary = await load();
    expect(summary.loaded).toContain("runbooks/first.yaml");

    const [version] = await versionsOf("first");
    expect(version).toMatchObject({ number: 1, hash: sha256(text), content: text });
    expect(version!.definition).toMatchObject({
      id: "first",
      steps: [{ id: "pause", kind: "action", input: { seconds: 5 } }],
    });
    expect(await runbookRow("first")).toMatchObject({
      title: "First runbook",
      summary: "Waits, for the loader tests.",
      risk: "low",
      services: ["checkout"],
      tags: ["test"],
      filePath: "runbooks/first.yaml",
      currentVersionId: version!.id,
    });
    expect(await fileRow("runbooks/first.yaml")).toMatchObject({
      status: "valid",
      problems: [],
      hash: sha256(text),
      runbookId: "first",
    });
    const events = await auditOf("runbook", "first");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: "runbook.loaded",
      outcome: "success",
      actorLabel: "system",
      eventMeta: { version: 1, hash: sha256(text), file: "runbooks/first.yaml" },
    });
  });

  it("creates nothing when a file has not changed", async () => {
    write("runbooks/steady.yaml", runbookText("steady"));
    await load();
    const auditBefore = await handle.db.select().from(auditEvents);
    const summary = await load();
    expect(summary.unchanged).toContain("runbooks/steady.yaml");
    expect(summary.loaded).not.toContain("runbooks/steady.yaml");
    expect(await versionsOf("steady")).toHaveLength(1);
    expect(await handle.db.select().from(auditEvents)).toEqual(auditBefore);
  });

  it("makes an edited file version 2, while a run pinned to version 1 keeps it", async () => {
    const original = write("runbooks/edited.yaml", runbookText("edited", { seconds: 5 }));
    await load();
    const [v1] = await versionsOf("edited");
    const { user } = await createTestUser(handle.db, { role: "responder" });
    const [run] = await handle.db
      .insert(runs)
      .values({
        runbookId: "edited",
        runbookVersionId: v1!.id,
        status: "running",
        inputs: {},
        inputsHash: "h",
        startedBy: user.id,
        requestKey: "k-1",
      })
      .returning();

    const edited = write("runbooks/edited.yaml", runbookText("edited", { seconds: 9, title: "Edited runbook" }));
    const summary = await load();
    expect(summary.loaded).toContain("runbooks/edited.yaml");

    const [first, second] = await versionsOf("edited");
    expect(first).toEqual(v1);
    expect(first!.content).toBe(original);
    expect(second).toMatchObject({
      number: 2,
      hash: sha256(edited),
      content: edited,
      definition: { steps: [{ input: { seconds: 9 } }] },
    });
    expect(await runbookRow("edited")).toMatchObject({ title: "Edited runbook", currentVersionId: second!.id });
    const [pinned] = await handle.db.select().from(runs).where(eq(runs.id, run!.id));
    expect(pinned!.runbookVersionId).toBe(v1!.id);
    expect((await auditOf("runbook", "edited")).map((event) => event.eventMeta)).toEqual([
      { version: 1, hash: sha256(original), file: "runbooks/edited.yaml" },
      { version: 2, hash: sha256(edited), file: "runbooks/edited.yaml", previousVersion: 1 },
    ]);
  });

  it("keeps the last valid version current when an edit breaks the file, and records the problem once", async () => {
    write("runbooks/fragile.yaml", runbookText("fragile", { seconds: 5 }));
    await load();
    const good = write("runbooks/fragile.yaml", runbookText("fragile", { seconds: 6 }));
    await load();
    const [, v2] = await versionsOf("fragile");

    const broken = write(
      "runbooks/fragile.yaml",
      runbookText("fragile", { seconds: 6 }).replace("kind: action", "kind: acton"),
    );
    const summary = await load();
    const problems = [
      { line: 9, column: 11, message: "steps[0].kind: expected one of manual, check, action, approval" },
    ];
    expect(summary.invalid).toContainEqual({ path: "runbooks/fragile.yaml", problems });
    expect(invalidFileLines(summary)).toContain(
      "runbooks/fragile.yaml:9:11 steps[0].kind: expected one of manual, check, action, approval",
    );
    expect(await versionsOf("fragile")).toHaveLength(2);
    expect((await runbookRow("fragile")).currentVersionId).toBe(v2!.id);
    expect(await fileRow("runbooks/fragile.yaml")).toMatchObject({
      status: "invalid",
      problems,
      hash: sha256(broken),
      runbookId: "fragile",
    });

    await load();
    const failures = await auditOf("runbook_file", "runbooks/fragile.yaml");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      eventType: "runbook.load_failed",
      outcome: "failure",
      eventMeta: {
        file: "runbooks/fragile.yaml",
        hash: sha256(broken),
        runbookId: "fragile",
        problemCount: 1,
        problems: ["runbooks/fragile.yaml:9:11 steps[0].kind: expected one of manual, check, action, approval"],
      },
    });

    // Broken differently: a new problem, recorded once more.
    write("runbooks/fragile.yaml", broken.replace("risk: low", "risk: lowish"));
    await load();
    expect(await auditOf("runbook_file", "runbooks/fragile.yaml")).toHaveLength(2);

    // Fixed back to the content of version 2: valid again, nothing new to load.
    write("runbooks/fragile.yaml", good);
    const fixed = await load();
    expect(fixed.unchanged).toContain("runbooks/fragile.yaml");
    expect(await fileRow("runbooks/fragile.yaml")).toMatchObject({ status: "valid", problems: [] });
    expect(await versionsOf("fragile")).toHaveLength(2);
  });

  it("goes back to an earlier version when the file returns to its content", async () => {
    const original = write("runbooks/reverted.yaml", runbookText("reverted", { seconds: 5 }));
    await load();
    write("runbooks/reverted.yaml", runbookText("reverted", { seconds: 7 }));
    await load();
    write("runbooks/reverted.yaml", original);
    const summary = await load();
    expect(summary.loaded).toContain("runbooks/reverted.yaml");
    const [v1] = await versionsOf("reverted");
    expect(await versionsOf("reverted")).toHaveLength(2);
    expect((await runbookRow("reverted")).currentVersionId).toBe(v1!.id);
    expect((await auditOf("runbook", "reverted")).at(-1)!.eventMeta).toEqual({
      version: 1,
      hash: sha256(original),
      file: "runbooks/reverted.yaml",
      previousVersion: 2,
    });
  });

  it("creates one version when two instances load the same new file at once", async () => {
    write("runbooks/raced.yaml", runbookText("raced"));
    const summaries = await Promise.all([load(), load()]);
    expect(summaries.map((summary) => summary.loaded.includes("runbooks/raced.yaml")).sort()).toEqual([false, true]);
    expect(await versionsOf("raced")).toHaveLength(1);
    expect(await auditOf("runbook", "raced")).toHaveLength(1);
  });

  it("refuses a second file declaring the same runbook id, and the owner keeps it", async () => {
    write("runbooks/twin-b.yaml", runbookText("twin", { title: "Twin B" }));
    write("runbooks/twin-c.yaml", runbookText("twin", { title: "Twin C" }));
    const summary = await load();
    expect(summary.loaded).toContain("runbooks/twin-b.yaml");
    expect(summary.invalid).toContainEqual({
      path: "runbooks/twin-c.yaml",
      problems: [
        {
          line: 1,
          column: 5,
          message:
            'id: runbook id "twin" is already declared by runbooks/twin-b.yaml; each runbook file needs its own id',
        },
      ],
    });
    expect(await runbookRow("twin")).toMatchObject({ title: "Twin B", filePath: "runbooks/twin-b.yaml" });

    // A newcomer that sorts first does not take the id from the file that already owns it.
    write("runbooks/twin-a.yaml", runbookText("twin", { title: "Twin A" }));
    const again = await load();
    expect(again.invalid.map((file) => file.path)).toEqual(
      expect.arrayContaining(["runbooks/twin-a.yaml", "runbooks/twin-c.yaml"]),
    );
    expect(await runbookRow("twin")).toMatchObject({ title: "Twin B", filePath: "runbooks/twin-b.yaml" });
    expect(await versionsOf("twin")).toHaveLength(1);

    // While the owner is broken it keeps the id; once it declares another id, the id is free.
    write("runbooks/twin-b.yaml", "id: twin\ntitle: [unclosed\n");
    const ownerBroken = await load();
    expect(ownerBroken.invalid.find((file) => file.path === "runbooks/twin-a.yaml")?.problems[0]?.message).toBe(
      'id: runbook id "twin" belongs to runbooks/twin-b.yaml, which has problems of its own; each runbook file needs its own id',
    );
    write("runbooks/twin-b.yaml", runbookText("twin-renamed"));
    const released = await load();
    expect(released.loaded).toEqual(expect.arrayContaining(["runbooks/twin-a.yaml", "runbooks/twin-b.yaml"]));
    expect(await runbookRow("twin")).toMatchObject({ title: "Twin A", filePath: "runbooks/twin-a.yaml" });
    remove("runbooks/twin-a.yaml");
    remove("runbooks/twin-b.yaml");
    remove("runbooks/twin-c.yaml");
  });

  it("reads only YAML files directly inside each directory, and reports missing directories", async () => {
    mkdirSync(path.join(root, "more", "checklists"));
    write("more/checklists/launch.yaml", "not: a runbook\n");
    write("more/notes.md", "# not a runbook\n");
    write("more/other.yml", runbookText("other-dir"));
    const summary = await load(["runbooks", "more", "nowhere"]);
    expect(summary.loaded).toContain("more/other.yml");
    expect(
      [...summary.loaded, ...summary.unchanged, ...summary.invalid.map((file) => file.path)].filter((p) =>
        p.startsWith("more/"),
      ),
    ).toEqual(["more/other.yml"]);
    expect(summary.missingDirectories).toEqual(["nowhere"]);
  });

  it("forgets the record of a file that is gone, but keeps its runbook and versions", async () => {
    write("runbooks/leaving.yaml", runbookText("leaving"));
    await load();
    remove("runbooks/leaving.yaml");
    await load();
    expect(await fileRow("runbooks/leaving.yaml")).toBeUndefined();
    expect(await versionsOf("leaving")).toHaveLength(1);
    expect((await runbookRow("leaving")).currentVersionId).not.toBeNull();
  });

  it("refuses a file naming an action this Keel does not have", async () => {
    write("runbooks/unknown-action.yaml", runbookText("unknown-action").replace("keel.wait", "keel.teleport"));
    const summary = await load();
    expect(summary.invalid).toContainEqual({
      path: "runbooks/unknown-action.yaml",
      problems: [
        {
          line: 11,
          column: 13,
          message: `steps[0].action: no action "keel.teleport" is registered (registered actions: ${registry.actionNames().join(", ")})`,
        },
      ],
    });
    expect(await versionsOf("unknown-action")).toEqual([]);
    expect(describeLoadSummary(summary)).toMatch(/^runbooks: \d+ loaded, \d+ unchanged, \d+ invalid$/);
    remove("runbooks/unknown-action.yaml");
  });
});
