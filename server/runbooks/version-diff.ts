import { structuredPatch } from "diff";

export type DiffLine = {
  kind: "hunk" | "added" | "removed" | "context" | "note";
  text: string;
  /** Line number in the older file (removed and context lines). */
  oldLine: number | null;
  /** Line number in the newer file (added and context lines). */
  newLine: number | null;
};

/** The unified diff of two file contents as lines a page can colour, with both files' line numbers. */
export function unifiedDiffLines(oldText: string, newText: string, context = 3): DiffLine[] {
  const patch = structuredPatch("older", "newer", oldText, newText, undefined, undefined, { context });
  const lines: DiffLine[] = [];
  for (const hunk of patch.hunks) {
    lines.push({
      kind: "hunk",
      text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
      oldLine: null,
      newLine: null,
    });
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      const marker = line[0];
      const text = line.slice(1);
      if (marker === "+") lines.push({ kind: "added", text, oldLine: null, newLine: newLine++ });
      else if (marker === "-") lines.push({ kind: "removed", text, oldLine: oldLine++, newLine: null });
      else if (marker === "\\") lines.push({ kind: "note", text: line.slice(2), oldLine: null, newLine: null });
      else lines.push({ kind: "context", text, oldLine: oldLine++, newLine: newLine++ });
    }
  }
  return lines;
}
