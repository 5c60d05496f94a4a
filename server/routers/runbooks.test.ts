import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "@/test/support/errors";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { anonymousContext, callerAs, createTestUser } from "@/test/support/users";
import { systemActor } from "../audit/actor";
import { createBuiltinRegistry } from "../engine/builtins";
import { AppError } from "../errors";
import { sha256 } from "../runbooks/files";
import { loadRunbooks } from "../runbooks/load";
import { createCaller } from "./_app";

let handle: TestDatabase;
const EARLIER = "test/fixtures/runbooks-earlier/sample-guided-change.yaml";
const CURRENT = "test/fixtures/runbooks/sample-guided-change.yaml";

beforeAll(async () => {
  handle = await createTestDatabase();
  const load = (directories: string[]) =>
    loadRunbooks(handle.db, { directories, registry: createBuiltinRegistry(), actor: systemActor() });
  // The earlier edition first, as if the console had run before the file was edited.
  await load(["test/fixtures/runbooks-earlier"]);
  await load(["test/fixtures/runbooks", "test/fixtures/runbooks-invalid"]);
});
afterAll(async () => {
  await handle.drop();
});

async function as(role: "viewer" | "responder" | "lead" | "admin") {
  const { user } = await createTestUser(handle.db, { role });
  return callerAs(handle.db, user);
}

describe(`runbooks router (${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"})`, () => {
  it("answers UNAUTHORIZED without a session", async () => {
    const caller = createCaller(anonymousContext(handle.db));
    expect((await errorOf(caller.runbooks.list())).code).toBe("UNAUTHORIZED");
    expect((await errorOf(caller.runbooks.get({ runbookId: "sample-guided-change" }))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(caller.runbooks.version({ runbookId: "sample-guided-change", number: 1 }))).code).toBe(
      "UNAUTHORIZED",
    );
    expect((await errorOf(caller.runbooks.diff({ runbookId: "sample-guided-change", from: 1, to: 2 }))).code).toBe(
      "UNAUTHORIZED",
    );
    expect((await errorOf(caller.runbooks.fileProblems())).code).toBe("UNAUTHORIZED");
  });

  it("lists the catalog for a viewer, with each runbook's current version", async () => {
    const list = await (await as("viewer")).runbooks.list();
    const guided = list.find((runbook) => runbook.id === "sample-guided-change");
    expect(guided).toMatchObject({
      title: "Guided change with approval (sample)",
      risk: "medium",
      services: ["checkout", "keel"],
      tags: ["sample", "change"],
      version: 2,
      loadedAt: expect.any(Date),
    });
    expect(list.map((runbook) => runbook.id)).toEqual(expect.arrayContaining(["sample-quiet-period", "twin"]));
    expect(list.map((runbook) => runbook.id)).not.toContain("broken-references");
  });

  it("gets a runbook with its current definition and every version", async () => {
    const runbook = await (await as("viewer")).runbooks.get({ runbookId: "sample-guided-change" });
    expect(runbook.version).toMatchObject({ number: 2, hash: sha256(readFileSync(CURRENT)) });
    expect(runbook.definition.steps.map((step) => [step.id, step.kind])).toEqual([
      ["announce", "manual"],
      ["audit-before", "check"],
      ["approve", "approval"],
      ["settle", "action"],
    ]);
    expect(runbook.versions.map((version) => [version.number, version.hash])).toEqual([
      [2, sha256(readFileSync(CURRENT))],
      [1, sha256(readFileSync(EARLIER))],
    ]);
    expect(runbook.filePath).toBe(CURRENT);
  });

  it("returns a version exactly as it was loaded", async () => {
    const version = await (await as("viewer")).runbooks.version({ runbookId: "sample-guided-change", number: 1 });
    expect(version.content).toBe(readFileSync(EARLIER, "utf8"));
    expect(version.definition.inputs.map((input) => input.name)).toEqual(["service", "settleSeconds"]);
  });

  it("diffs two versions of the file", async () => {
    const { lines } = await (await as("viewer")).runbooks.diff({ runbookId: "sample-guided-change", from: 1, to: 2 });
    expect(lines[0]).toMatchObject({ kind: "hunk" });
    expect(lines).toContainEqual({ kind: "removed", text: "    default: 60", oldLine: 24, newLine: null });
    expect(lines).toContainEqual({ kind: "added", text: "    default: 30", oldLine: null, newLine: 24 });
    expect(lines).toContainEqual({ kind: "added", text: "  - name: ticket", oldLine: null, newLine: 25 });
    const backwards = await (await as("viewer")).runbooks.diff({ runbookId: "sample-guided-change", from: 2, to: 1 });
    expect(backwards.lines).toContainEqual({ kind: "removed", text: "  - name: ticket", oldLine: 25, newLine: null });
  });

  it("names the field of a bad request", async () => {
    const caller = await as("viewer");
    const missingVersion = await errorOf(caller.runbooks.diff({ runbookId: "sample-guided-change", from: 1, to: 7 }));
    expect(missingVersion).toBeInstanceOf(AppError);
    expect(missingVersion.code).toBe("BAD_REQUEST");
    expect((missingVersion as AppError).details?.fields).toEqual({
      to: "Runbook sample-guided-change has no version 7; it has versions 1 to 2.",
    });
    const notANumber = await errorOf(caller.runbooks.diff({ runbookId: "sample-guided-change", from: 0, to: 1.5 }));
    expect(notANumber.code).toBe("BAD_REQUEST");
    expect(notANumber.cause).toMatchObject({ issues: [{ path: ["from"] }, { path: ["to"] }] });
    const unknownRunbook = await errorOf(caller.runbooks.diff({ runbookId: "no-such-runbook", from: 1, to: 2 }));
    expect(unknownRunbook.code).toBe("NOT_FOUND");
    expect((unknownRunbook as AppError).details?.fields).toEqual({ runbookId: "No runbook has this id." });
    const unknownGet = await errorOf(caller.runbooks.get({ runbookId: "no-such-runbook" }));
    expect(unknownGet.code).toBe("NOT_FOUND");
    const unknownVersion = await errorOf(caller.runbooks.version({ runbookId: "sample-quiet-period", number: 3 }));
    expect((unknownVersion as AppError).details?.fields).toEqual({
      number: "Runbook sample-quiet-period has no version 3; it has only version 1.",
    });
  });

  it("shows file problems to admins only", async () => {
    for (const role of ["viewer", "responder", "lead"] as const) {
      expect((await errorOf((await as(role)).runbooks.fileProblems())).code).toBe("FORBIDDEN");
    }
    const problems = await (await as("admin")).runbooks.fileProblems();
    expect(problems.map((file) => file.path)).toContain("test/fixtures/runbooks-invalid/unknown-key.yaml");
    expect(problems.find((file) => file.path === "test/fixtures/runbooks-invalid/unknown-key.yaml")).toMatchObject({
      problems: [
        { line: 10, column: 5, message: "steps[0].instrutions: unknown key; check its spelling and indentation" },
      ],
      checkedAt: expect.any(Date),
    });
    expect(problems.find((file) => file.path === "test/fixtures/runbooks-invalid/same-id-b.yaml")).toMatchObject({
      runbookId: "twin",
    });
    expect(problems.every((file) => file.problems.length > 0)).toBe(true);
  });
});
