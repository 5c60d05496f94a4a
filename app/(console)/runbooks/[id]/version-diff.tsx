"use client";

import { useQuery } from "@tanstack/react-query";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

const MARKERS = { added: "+", removed: "-", context: " ", hunk: "", note: "" } as const;

/** The file's unified diff between two versions: removals and additions on coloured lines. */
export function VersionDiff({ runbookId, from, to }: { runbookId: string; from: number; to: number }) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.runbooks.diff.queryOptions({ runbookId, from, to }));
  if (diff.isPending) return <p className="muted small">Comparing…</p>;
  if (diff.isError) return <FormError error={readClientError(diff.error)} />;
  if (diff.data.lines.length === 0) return <p className="muted small">The two versions have the same content.</p>;
  return (
    <div className="diff" data-verbatim role="table" aria-label={`Changes from version ${from} to version ${to}`}>
      {diff.data.lines.map((line, index) => (
        <div key={index} className={`diff-line ${line.kind}`} role="row">
          <span
            className="diff-number"
            role="cell"
            aria-label={line.oldLine === null ? undefined : `line ${line.oldLine} of version ${from}`}
          >
            {line.oldLine ?? ""}
          </span>
          <span
            className="diff-number"
            role="cell"
            aria-label={line.newLine === null ? undefined : `line ${line.newLine} of version ${to}`}
          >
            {line.newLine ?? ""}
          </span>
          <span className="diff-text" role="cell">
            <span className="diff-marker" aria-hidden="true">
              {MARKERS[line.kind]}
            </span>
            {line.kind === "removed" ? <span className="visually-hidden">removed: </span> : null}
            {line.kind === "added" ? <span className="visually-hidden">added: </span> : null}
            {line.text}
          </span>
        </div>
      ))}
    </div>
  );
}
