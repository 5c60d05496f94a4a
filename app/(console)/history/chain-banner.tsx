"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatDateTime } from "@/lib/format/time";
import { useTRPC } from "@/lib/trpc/client";

/** Whether the audit chain verifies right now (the server checks incrementally and caches briefly), and the key exports verify with. */
export function ChainBanner() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery({ ...trpc.history.chainStatus.queryOptions({ full: false }), refetchInterval: 60_000 });
  const [rechecking, setRechecking] = useState(false);
  const recheck = async () => {
    setRechecking(true);
    try {
      const fresh = await queryClient.fetchQuery({
        ...trpc.history.chainStatus.queryOptions({ full: true }),
        staleTime: 0,
      });
      queryClient.setQueryData(trpc.history.chainStatus.queryKey({ full: false }), fresh);
    } finally {
      setRechecking(false);
    }
  };
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
  const recheckButton = (
    <button type="button" className="secondary" onClick={() => void recheck()} disabled={rechecking}>
      {rechecking ? "Re-checking the whole chain…" : "Re-check the whole chain now"}
    </button>
  );
  const publicKey = (
    <p className="hint audit-public-key" data-testid="audit-public-key">
      Exports verify offline with Keel&apos;s public key <code>{s.publicKey.base64}</code> (key id {s.publicKey.keyId}):{" "}
      <code>npm run audit:verify-export -- --public-key {s.publicKey.base64} export.ndjson</code>
    </p>
  );
  if (s.ok) {
    return (
      <>
        <div className="alert ok chain-banner" role="status" data-testid="chain-banner">
          <p>
            <strong>The audit chain verifies.</strong> All {s.count.toLocaleString("en")} events are signed by Keel and
            linked in its chain: none edited, deleted, inserted or reordered.
            {s.signedFromSeq !== null && s.signedFromSeq > 1
              ? ` Events before sequence ${s.signedFromSeq} predate signing and are linked by their SHA-256 hashes.`
              : ""}
            {s.pending > 0 ? ` The newest ${s.pending.toLocaleString("en")} are being linked.` : ""} Checked{" "}
            {formatDateTime(s.checkedAt)}; whole chain re-walked {formatDateTime(s.fullCheckAt)}.
          </p>
          {recheckButton}
        </div>
        {publicKey}
      </>
    );
  }
  return (
    <>
      <div className="alert error chain-banner" role="alert" data-testid="chain-banner">
        <p>
          <strong>The audit chain does not verify at sequence {s.brokenSeq}.</strong>{" "}
          {s.problem.charAt(0).toUpperCase() + s.problem.slice(1)}. The record may have been tampered with: tell an
          admin, who can confirm it with <code>npm run audit:verify</code>.
        </p>
        {recheckButton}
      </div>
      {publicKey}
    </>
  );
}
