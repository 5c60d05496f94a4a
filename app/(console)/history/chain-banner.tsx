"use client";

import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";

/** Whether the audit chain verifies right now (the server checks incrementally and caches briefly). */
export function ChainBanner() {
  const trpc = useTRPC();
  const status = useQuery({ ...trpc.history.chainStatus.queryOptions(), refetchInterval: 60_000 });
  if (status.isPending) {
    return (
      <p className="alert info chain-banner" role="status">
        Checking that the audit trail is intact…
      </p>
    );
  }
  if (status.isError) {
    return (
      <p className="alert warn chain-banner" role="status">
        Could not check the audit chain just now. Reload the page to try again.
      </p>
    );
  }
  const s = status.data;
  if (s.ok) {
    return (
      <p className="alert ok chain-banner" role="status" data-testid="chain-banner">
        <strong>The audit chain verifies.</strong> All {s.count.toLocaleString("en")} events are linked by their hashes, none edited, deleted or reordered. Checked{" "}
        {formatDateTime(s.checkedAt)}; whole chain re-walked {formatDateTime(s.fullCheckAt)}.
      </p>
    );
  }
  return (
    <div className="alert error chain-banner" role="alert" data-testid="chain-banner">
      <strong>The audit chain does not verify.</strong> Sequence {s.brokenSeq}: {s.problem}. The record may have been tampered with: tell an admin, who can confirm it with{" "}
      <code>npm run audit:verify</code>.
    </div>
  );
}
