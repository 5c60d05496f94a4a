"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { IncidentStatusBadge, SeverityBadge } from "@/app/_components/incident-badges";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

/** Incidents still open, most severe first, refreshed every 15 seconds. */
export function ActiveIncidentsCard() {
  const trpc = useTRPC();
  const active = useQuery({
    ...trpc.incidents.list.queryOptions({ status: "active", limit: 5 }),
    refetchInterval: 15_000,
  });
  return (
    <section className="card home-incidents" aria-labelledby="active-incidents-title">
      <div className="card-title-row">
        <h2 id="active-incidents-title">Active incidents</h2>
        <Link prefetch={false} className="small" href="/incidents?status=active">
          All active incidents
        </Link>
      </div>
      {active.isError ? <FormError error={readClientError(active.error)} /> : null}
      {active.data && active.data.length === 0 ? (
        <p className="muted">
          No incident is open. If something is wrong in production, declare one from the Incidents page.
        </p>
      ) : null}
      {active.data && active.data.length > 0 ? (
        <ul className="list" aria-label="Active incidents">
          {active.data.map((incident) => (
            <li key={incident.id}>
              <span className="row">
                <SeverityBadge severity={incident.severity} />
                <Link prefetch={false} href={`/incidents/${incident.id}`}>
                  Incident {incident.number}: {incident.title}
                </Link>
                <IncidentStatusBadge status={incident.status} />
              </span>
              <span className="small muted">
                {incident.commander ? `${incident.commander.name} leads · ` : ""}
                {formatDateTime(incident.declaredAt)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
