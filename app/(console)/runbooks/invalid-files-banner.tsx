"use client";

import { useQuery } from "@tanstack/react-query";
import { formatRunbookProblem } from "@/lib/runbooks/problems";
import { useTRPC } from "@/lib/trpc/client";

/** The rest of a long list is folded, so the catalog stays in view on a phone. */
const SHOWN_AT_FIRST = 5;

/** For admins: runbook files that did not load, each problem where an editor can jump to it. */
export function InvalidFilesBanner() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.runbooks.fileProblems.queryOptions());
  if (!data || data.length === 0) return null;
  const lines = data.flatMap((file) => file.problems.map((problem) => formatRunbookProblem(file.path, problem)));
  return (
    <section className="alert warn stack" aria-labelledby="invalid-files-title" data-testid="invalid-runbook-files">
      <div>
        <strong id="invalid-files-title">
          {data.length === 1 ? "1 runbook file did not load." : `${data.length} runbook files did not load.`}
        </strong>{" "}
        Until a file is fixed, its runbook keeps its last valid version, or stays out of the catalog if it never had
        one. Check a fix with <code>npm run runbooks:check</code>; Keel loads it at its next start.
      </div>
      <ProblemList lines={lines.slice(0, SHOWN_AT_FIRST)} />
      {lines.length > SHOWN_AT_FIRST ? (
        <details className="problem-details">
          <summary>
            {lines.length - SHOWN_AT_FIRST === 1 ? "1 more problem" : `${lines.length - SHOWN_AT_FIRST} more problems`}
          </summary>
          <ProblemList lines={lines.slice(SHOWN_AT_FIRST)} />
        </details>
      ) : null}
    </section>
  );
}

function ProblemList({ lines }: { lines: string[] }) {
  return (
    <ul className="problem-list">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
