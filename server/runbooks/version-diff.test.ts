import { describe, expect, it } from "vitest";
import { unifiedDiffLines } from "./version-diff";

describe("unifiedDiffLines", () => {
  it("numbers added, removed and context lines in their own files", () => {
    const older = ["id: a", "title: Old", "risk: low", "steps: []", ""].join("\n");
    const newer = ["id: a", "title: New", "risk: low", "tags: [x]", "steps: []", ""].join("\n");
    expect(unifiedDiffLines(older, newer)).toEqual([
      { kind: "hunk", text: "@@ -1,4 +1,5 @@", oldLine: null, newLine: null },
      { kind: "context", text: "id: a", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "title: Old", oldLine: 2, newLine: null },
      { kind: "added", text: "title: New", oldLine: null, newLine: 2 },
      { kind: "context", text: "risk: low", oldLine: 3, newLine: 3 },
      { kind: "added", text: "tags: [x]", oldLine: null, newLine: 4 },
      { kind: "context", text: "steps: []", oldLine: 4, newLine: 5 },
    ]);
  });

  it("is empty for identical contents and notes a missing final newline", () => {
    expect(unifiedDiffLines("a\n", "a\n")).toEqual([]);
    expect(unifiedDiffLines("a\n", "a").map((line) => line.kind)).toEqual(["hunk", "removed", "added", "note"]);
  });
});
