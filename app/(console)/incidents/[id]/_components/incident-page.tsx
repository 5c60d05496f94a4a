"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { IncidentStatusBadge, SeverityBadge } from "@/app/_components/incident-badges";
import { formatDateTime } from "@/lib/format/time";
import { SEVERITY_DESCRIPTIONS } from "@/lib/incidents/status";
import { useIncidentEvents } from "@/lib/live/use-incident-events";
import type { Role } from "@/lib/roles";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { AttachedRuns } from "./attached-runs";
import { FollowUps } from "./follow-ups";
import { IncidentTimeline } from "./incident-timeline";
import { PostmortemCard } from "./postmortem-card";
import { RolesCard } from "./roles-card";
import { StatusControl } from "./status-control";
import { SuggestedRunbooks } from "./suggested-runbooks";

/** The incident page: where it stands, who leads, what to run, and everything that happened. */
export function IncidentPage({ incidentId, viewer }: { incidentId: string; viewer: { id: string; role: Role } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const incident = useQuery(trpc.incidents.get.queryOptions({ incidentId }));
  const { connected } = useIncidentEvents(incidentId, {
    onChanged: () => void queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() }),
    onGone: () => void queryClient.invalidateQueries({ queryKey: trpc.incidents.get.queryKey({ incidentId }) }),
  });

  if (incident.isPending) return <p className="muted">Loading the incident…</p>;
  if (incident.isError) return <FormError error={readClientError(incident.error)} />;
  const view = incident.data;

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="small">
            <Link prefetch={false} href="/incidents">
              ← Incidents
            </Link>
          </p>
          <h1>
            Incident {view.number}: {view.title}
          </h1>
          <p className="row">
            <SeverityBadge severity={view.severity} />
            <span className="small muted">{SEVERITY_DESCRIPTIONS[view.severity]}</span>
          </p>
          <p className="row">
            <IncidentStatusBadge status={view.status} />
            <span className="small muted">
              declared by {view.declaredBy?.id === viewer.id ? "you" : (view.declaredBy?.email ?? "unknown")} ·{" "}
              {formatDateTime(view.declaredAt)}
              {view.resolvedAt ? ` · resolved ${formatDateTime(view.resolvedAt)}` : ""}
            </span>
            <span className={`live-dot ${connected ? "on" : "off"}`} data-testid="live-indicator">
              {connected ? "Live" : "Reconnecting…"}
            </span>
          </p>
          {view.services.length > 0 || view.tags.length > 0 ? (
            <div className="chips" aria-label="Services and tags">
              {view.services.map((s) => (
                <span key={s} className="chip service">
                  {s}
                </span>
              ))}
              {view.tags.map((t) => (
                <span key={t} className="chip tag">
                  #{t}
                </span>
              ))}
            </div>
          ) : null}
        </div>
      </div>
      {view.status === "resolved" && view.summary ? (
        <div className="alert ok" data-testid="incident-summary">
          <strong>Resolved.</strong> {view.summary}
          {view.impact ? <span className="request-id">Impact: {view.impact}</span> : null}
        </div>
      ) : null}
      {view.pinnedNotes.length > 0 ? (
        <section className="card" aria-labelledby="pinned-title">
          <h2 id="pinned-title">Pinned</h2>
          <ul className="list" aria-label="Pinned notes">
            {view.pinnedNotes.map((note) => (
              <li key={note.id}>
                <span className="note-body">{note.body}</span>
                <span className="small muted">
                  {note.authorLabel} · {formatDateTime(note.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="run-layout">
        <div className="stack">
          <StatusControl incident={view} />
          <IncidentTimeline incidentId={incidentId} canWrite={view.can.addNote} />
          <PostmortemCard incidentId={incidentId} />
        </div>
        <aside className="stack">
          <RolesCard incident={view} />
          <SuggestedRunbooks incidentId={incidentId} canStart={view.can.startRun} active={view.status !== "resolved"} />
          <AttachedRuns runs={view.runs} />
          <FollowUps incident={view} />
        </aside>
      </div>
    </div>
  );
}
