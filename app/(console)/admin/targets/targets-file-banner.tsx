"use client";

import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";

/** Where file targets come from, and what was wrong with the file at the last start. */
export function TargetsFileBanner() {
  const trpc = useTRPC();
  const { data: status } = useQuery(trpc.targets.fileStatus.queryOptions());
  if (!status) return null;
  if (status.problems.length === 0) {
    return (
      <p className="muted small" data-testid="targets-file-status">
        {status.found ? (
          <>
            Targets file <code>{status.path}</code> read at {formatDateTime(status.checkedAt)}.
          </>
        ) : (
          <>
            No targets file at <code>{status.path}</code> (set <code>KEEL_TARGETS_FILE</code> to use another).
          </>
        )}{" "}
        Keel reads it at every start.
      </p>
    );
  }
  return (
    <section className="alert warn stack" aria-labelledby="targets-file-title" data-testid="targets-file-problems">
      <div>
        <strong id="targets-file-title">
          {status.applied ? "Some targets in the targets file were skipped." : "The targets file did not load."}
        </strong>{" "}
        {status.applied
          ? "The other targets in it are up to date."
          : "Until it is fixed, the targets it declared before stay as they were."}{" "}
        Fix <code>{status.path}</code>; Keel reads it at its next start (checked {formatDateTime(status.checkedAt)}).
      </div>
      <ul className="problem-list">
        {status.problems.map((problem) => (
          <li key={problem}>{problem}</li>
        ))}
      </ul>
    </section>
  );
}
