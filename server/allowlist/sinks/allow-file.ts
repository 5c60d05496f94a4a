import type { SinkEntry } from "../entry";

/**
 * The nginx include file Keel owns: a header, one `allow` line per entry, then the target's
 * trailer lines. Lines Keel did not write (other than the trailer) are kept where they are.
 *
 *   allow 203.0.113.0/24; # 3f2a…-… added by Keel run 12 expires 2026-12-02T07:50:00.000Z
 */
const HEADER =
  "# Managed by Keel: every allow line below was added by a runbook run and is removed when it expires. Edits are overwritten.";
const ALLOW_LINE =
  /^allow\s+([0-9a-fA-F.:]+\/\d{1,3});\s*#\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(.*?)\s+expires\s+(\S+)\s*$/;

export function formatAllowLine(entry: SinkEntry): string {
  return `allow ${entry.cidr}; # ${entry.id} ${entry.comment} expires ${entry.expiresAt.toISOString()}`;
}

/** The entries the file holds, read back from its allow lines. */
export function parseAllowFile(content: string | null): SinkEntry[] {
  if (content === null) return [];
  const entries: SinkEntry[] = [];
  for (const line of content.split("\n")) {
    const match = ALLOW_LINE.exec(line.trim());
    if (match) entries.push({ cidr: match[1]!, id: match[2]!, comment: match[3]!, expiresAt: new Date(match[4]!) });
  }
  return entries;
}

function linesOf(content: string | null): string[] {
  if (content === null || content.trim() === "") return [];
  return content.replace(/\n+$/, "").split("\n");
}

/** The file with the entry's line added before the trailer; the same content when it is already there. */
export function withEntry(content: string | null, entry: SinkEntry, trailer: string[]): string {
  if (parseAllowFile(content).some((e) => e.id === entry.id)) return normalised(content, trailer);
  const body = withoutTrailer(linesOf(content), trailer);
  return render([...body, formatAllowLine(entry)], trailer);
}

/** The file without the entry's line (and the same content when it is not there). */
export function withoutEntry(content: string | null, entryId: string, trailer: string[]): string {
  const body = withoutTrailer(linesOf(content), trailer).filter(
    (line) => ALLOW_LINE.exec(line.trim())?.[2] !== entryId,
  );
  return render(body, trailer);
}

/** An empty allowlist: the header and the trailer. */
export function emptyAllowFile(trailer: string[]): string {
  return render([], trailer);
}

function normalised(content: string | null, trailer: string[]): string {
  return render(withoutTrailer(linesOf(content), trailer), trailer);
}

function withoutTrailer(lines: string[], trailer: string[]): string[] {
  const body = lines.filter((line) => line !== HEADER);
  // Trailer lines are written last on every change; drop them wherever they are, then add them back at the end.
  return body.filter((line) => !trailer.includes(line.trim()));
}

function render(body: string[], trailer: string[]): string {
  return [HEADER, ...body, ...trailer].join("\n") + "\n";
}
