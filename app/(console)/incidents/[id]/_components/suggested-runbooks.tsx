"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RiskBadge } from "@/app/_components/risk-badge";
import { useTRPC } from "@/lib/trpc/client";

/** Runbooks for the incident's services and tags, each one click from a start form inside the incident. */
export function SuggestedRunbooks({
  incidentId,
  canStart,
  active,
}: {
  incidentId: string;
  canStart: boolean;
  active: boolean;
}) {
  const trpc = useTRPC();
  const suggestions = useQuery(trpc.incidents.suggestions.queryOptions({ incidentId }));
  return (
    <section className="card" aria-labelledby="suggested-title">
      <h2 id="suggested-title">Suggested runbooks</h2>
      {suggestions.data && suggestions.data.length === 0 ? (
        <p className="muted small">
          No runbook names these services or tags, or takes one of these services as an input. Find one in the{" "}
          <Link prefetch={false} href="/runbooks">
            catalog
          </Link>
          .
        </p>
      ) : null}
      <ul className="list" aria-label="Suggested runbooks">
        {suggestions.data?.map((runbook) => (
          <li key={runbook.id} data-testid="suggested-runbook">
            <span className="stack">
              <span>
                <Link prefetch={false} href={`/runbooks/${runbook.id}`}>
                  {runbook.title}
                </Link>{" "}
                <RiskBadge risk={runbook.risk} />
              </span>
              <span className="small muted">
                {[
                  ...(runbook.matchedServices.length + runbook.matchedTags.length > 0
                    ? [`matches ${[...runbook.matchedServices, ...runbook.matchedTags.map((t) => `#${t}`)].join(", ")}`]
                    : []),
                  ...runbook.matchedInputs.map((m) => `its ${m.label.toLowerCase()} input takes ${m.service}`),
                ].join("; ")}
              </span>
            </span>
            {canStart ? (
              <Link
                prefetch={false}
                className="button small"
                href={startHref(runbook.id, incidentId, runbook.matchedInputs)}
                aria-label={`Start ${runbook.title}`}
              >
                Start
              </Link>
            ) : null}
          </li>
        ))}
      </ul>
      {!active ? <p className="small muted">Reopen the incident to start runs inside it.</p> : null}
    </section>
  );
}

/** The start form inside the incident, with the service input filled in with the incident's service. */
function startHref(runbookId: string, incidentId: string, inputs: { input: string; service: string }[]): string {
  const query = new URLSearchParams({ incident: incidentId });
  for (const match of inputs) query.set(`input.${match.input}`, match.service);
  return `/runbooks/${runbookId}/start?${query.toString()}`;
}
