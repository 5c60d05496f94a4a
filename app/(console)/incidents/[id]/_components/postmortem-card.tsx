"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Markdown } from "@/app/_components/markdown";
import { useTRPC } from "@/lib/trpc/client";

/** The postmortem draft, written from the record: read it here, download it to edit. */
export function PostmortemCard({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const draft = useQuery(trpc.incidents.postmortem.queryOptions({ incidentId }));
  const [shown, setShown] = useState(false);
  return (
    <section className="card" aria-labelledby="postmortem-title">
      <h2 id="postmortem-title">Postmortem draft</h2>
      <p className="small muted">
        Summary, impact, timeline, actions with their outcomes, and follow-ups, in Markdown. Each download is recorded.
      </p>
      <div className="row">
        <a className="button small" href={`/api/incidents/${incidentId}/postmortem`} download={draft.data?.fileName}>
          Download (.md)
        </a>
        <button
          className="button small secondary"
          type="button"
          onClick={() => setShown((s) => !s)}
          aria-expanded={shown}
        >
          {shown ? "Hide draft" : "Show draft"}
        </button>
      </div>
      {shown && draft.data ? (
        <div className="postmortem-preview" data-testid="postmortem-preview">
          <Markdown>{draft.data.markdown}</Markdown>
        </div>
      ) : null}
    </section>
  );
}
