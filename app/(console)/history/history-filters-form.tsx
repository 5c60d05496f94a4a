"use client";

import { useQuery } from "@tanstack/react-query";
import Form from "next/form";
import Link from "next/link";
import { Field } from "@/app/_components/field";
import { AUDIT_OUTCOMES } from "@/lib/audit/outcomes";
import { toDateTimeLocal } from "@/lib/schemas/history";
import { useTRPC } from "@/lib/trpc/client";

export const ENTITY_TYPES = [
  "run",
  "user",
  "secret",
  "incident",
  "checklist",
  "runbook",
  "service",
  "target",
  "allowlist",
  "api_token",
  "audit_export",
];

/** The History filters, as a GET form: the address always says what is shown. */
export function HistoryFiltersForm({
  values,
  errors,
}: {
  values: Record<string, string>;
  errors: Record<string, string>;
}) {
  const trpc = useTRPC();
  const eventTypes = useQuery(trpc.history.eventTypes.queryOptions());
  const error = (key: string) => errors[key];
  const aria = (key: string) => ({
    id: `filter-${key}`,
    name: key,
    "aria-invalid": error(key) ? true : undefined,
    "aria-describedby": error(key) ? `filter-${key}-error` : undefined,
  });
  const filtered = Object.keys(values).length > 0;
  return (
    <section className="card history-filters" aria-label="Filters">
      <Form action="/history" key={JSON.stringify(values)} className="history-filter-grid">
        <div className="history-search">
          <Field
            id="filter-q"
            label="Search details"
            hint="Words in the event, its actor, entity and details; each word matches the start of a word."
            error={error("q")}
          >
            <input type="search" {...aria("q")} defaultValue={values.q ?? ""} placeholder="e.g. rollback checkout" />
          </Field>
        </div>
        <Field id="filter-actor" label="Actor" hint="An email, or system" error={error("actor")}>
          <input type="text" {...aria("actor")} defaultValue={values.actor ?? ""} autoComplete="off" />
        </Field>
        <Field id="filter-eventType" label="Event type" hint="e.g. run.started, or step.*" error={error("eventType")}>
          <input
            type="text"
            {...aria("eventType")}
            defaultValue={values.eventType ?? ""}
            list="history-event-types"
            autoComplete="off"
          />
        </Field>
        <datalist id="history-event-types">
          {(eventTypes.data ?? []).map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
        <Field id="filter-outcome" label="Outcome" error={error("outcome")}>
          <select {...aria("outcome")} defaultValue={values.outcome ?? ""}>
            <option value="">Any</option>
            {AUDIT_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
            {values.outcome && !(AUDIT_OUTCOMES as readonly string[]).includes(values.outcome) ? (
              <option value={values.outcome}>{values.outcome}</option>
            ) : null}
          </select>
        </Field>
        <Field id="filter-entityType" label="Entity type" error={error("entityType")}>
          <input
            type="text"
            {...aria("entityType")}
            defaultValue={values.entityType ?? ""}
            list="history-entity-types"
            autoComplete="off"
          />
        </Field>
        <datalist id="history-entity-types">
          {ENTITY_TYPES.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
        <Field id="filter-entityId" label="Entity id" error={error("entityId")}>
          <input type="text" {...aria("entityId")} defaultValue={values.entityId ?? ""} autoComplete="off" />
        </Field>
        <Field id="filter-from" label="From (UTC)" error={error("from")}>
          <input type="datetime-local" {...aria("from")} defaultValue={toDateTimeLocal(values.from)} />
        </Field>
        <Field id="filter-to" label="Until (UTC)" error={error("to")}>
          <input type="datetime-local" {...aria("to")} defaultValue={toDateTimeLocal(values.to)} />
        </Field>
        <div className="row history-filter-actions">
          <button type="submit" className="button">
            Show events
          </button>
          {filtered ? (
            <Link prefetch={false} className="button secondary" href="/history">
              Clear filters
            </Link>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
