"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { IncidentStatusBadge, SeverityBadge } from "@/app/_components/incident-badges";
import { formatDateTime } from "@/lib/format/time";
import { STATUS_LABELS, type IncidentStatus } from "@/lib/incidents/status";
import { INCIDENT_FILTERS, type IncidentFilter } from "@/lib/schemas/incidents";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

const FILTER_LABELS: Record<IncidentFilter, string> = {
  all: "All",
  active: "Active",
  ...(Object.fromEntries(Object.entries(STATUS_LABELS)) as Record<IncidentStatus, string>),
};

export function IncidentsList({ status, canDeclare }: { status: IncidentFilter; canDeclare: boolean }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.incidents.list.queryOptions({ status }), refetchInterval: 15_000 });
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Incidents</h1>
          <p>
            Active incidents first, the most severe at the top. Open one to follow its timeline and run its runbooks.
          </p>
        </div>
        {canDeclare ? (
          <Link prefetch={false} className="button" href="/incidents/new">
            Declare an incident
          </Link>
        ) : null}
      </div>
      <nav className="tabs" aria-label="Filter incidents by status">
        {INCIDENT_FILTERS.map((key) => (
          <Link
            prefetch={false}
            key={key}
            href={`/incidents?status=${key}`}
            aria-current={key === status ? "page" : undefined}
          >
            {FILTER_LABELS[key]}
          </Link>
        ))}
      </nav>
      <section className="card">
        {list.isError ? <FormError error={readClientError(list.error)} /> : null}
        {list.data && list.data.length === 0 ? (
          <p className="empty">
            {status === "all"
              ? "No incident has been declared."
              : `No incident is ${FILTER_LABELS[status].toLowerCase()}.`}{" "}
            {canDeclare
              ? "When something is wrong in production, declare one: it gathers the runs, notes and people in one place."
              : null}
          </p>
        ) : null}
        {list.data && list.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table" aria-label="Incidents">
              <thead>
                <tr>
                  <th>Incident</th>
                  <th>Severity</th>
                  <th>Status</th>
                  <th>Services</th>
                  <th>Commander</th>
                  <th>Declared</th>
                  <th>Runs</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((incident) => (
                  <tr key={incident.id}>
                    <td data-label="Incident">
                      <Link prefetch={false} href={`/incidents/${incident.id}`}>
                        Incident {incident.number}: {incident.title}
                      </Link>
                    </td>
                    <td data-label="Severity">
                      <SeverityBadge severity={incident.severity} />
                    </td>
                    <td data-label="Status">
                      <IncidentStatusBadge status={incident.status} />
                    </td>
                    <td data-label="Services">
                      {incident.services.length > 0 ? (
                        <span className="chips">
                          {incident.services.map((s) => (
                            <span key={s} className="chip service">
                              {s}
                            </span>
                          ))}
                        </span>
                      ) : (
                        <span className="muted">none named</span>
                      )}
                    </td>
                    <td data-label="Commander">{incident.commander?.name ?? "unknown"}</td>
                    <td data-label="Declared">{formatDateTime(incident.declaredAt)}</td>
                    <td data-label="Runs">{incident.runCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </>
  );
}
