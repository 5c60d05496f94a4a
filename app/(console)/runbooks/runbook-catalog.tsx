"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { catalogValues, filterCatalog, isFiltered, NO_FILTER, type CatalogFilter } from "@/lib/runbooks/catalog-filter";
import { RISK_LABELS } from "@/lib/runbooks/describe";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { RunbookCard } from "./runbook-card";

export function RunbookCatalog() {
  const trpc = useTRPC();
  const runbooks = useQuery(trpc.runbooks.list.queryOptions());
  const [filter, setFilter] = useState<CatalogFilter>(NO_FILTER);
  const set = (field: keyof CatalogFilter) => (value: string) =>
    setFilter((current) => ({ ...current, [field]: value }));

  if (runbooks.isPending) return <p className="muted">Loading…</p>;
  if (runbooks.isError) return <FormError error={readClientError(runbooks.error)} />;
  if (runbooks.data.length === 0) {
    return (
      <section className="card empty">
        <p>No runbooks are loaded yet.</p>
        <p className="small">An admin adds runbook files to the runbook directory; Keel loads them when it starts.</p>
      </section>
    );
  }

  const shown = filterCatalog(runbooks.data, filter);
  return (
    <>
      <form
        className="catalog-filters card"
        role="search"
        aria-label="Find a runbook"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="field catalog-search">
          <label htmlFor="runbook-search">Search</label>
          <input
            id="runbook-search"
            type="search"
            placeholder="e.g. rollback, checkout, audit"
            value={filter.text}
            onChange={(event) => set("text")(event.target.value)}
            autoComplete="off"
          />
        </div>
        <FilterSelect
          id="runbook-service"
          label="Service"
          all="All services"
          value={filter.service}
          options={catalogValues(runbooks.data, "services")}
          onChange={set("service")}
        />
        <FilterSelect
          id="runbook-tag"
          label="Tag"
          all="All tags"
          value={filter.tag}
          options={catalogValues(runbooks.data, "tags")}
          onChange={set("tag")}
        />
        <div className="field">
          <label htmlFor="runbook-risk">Risk</label>
          <select id="runbook-risk" value={filter.risk} onChange={(event) => set("risk")(event.target.value)}>
            <option value="">Any risk</option>
            {(Object.keys(RISK_LABELS) as (keyof typeof RISK_LABELS)[]).map((risk) => (
              <option key={risk} value={risk}>
                {RISK_LABELS[risk]}
              </option>
            ))}
          </select>
        </div>
      </form>
      <div className="row catalog-count">
        <span className="muted small" aria-live="polite">
          {isFiltered(filter)
            ? `${shown.length} of ${runbooks.data.length} runbooks match`
            : `${runbooks.data.length} runbooks`}
        </span>
        {isFiltered(filter) ? (
          <button className="button ghost small" type="button" onClick={() => setFilter(NO_FILTER)}>
            Clear filters
          </button>
        ) : null}
      </div>
      {shown.length === 0 ? (
        <p className="card empty">No runbook matches. Try fewer words, or clear the filters.</p>
      ) : (
        <ul className="runbook-grid" aria-label="Runbooks">
          {shown.map((runbook) => (
            <RunbookCard key={runbook.id} runbook={runbook} />
          ))}
        </ul>
      )}
    </>
  );
}

function FilterSelect(props: {
  id: string;
  label: string;
  all: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">{props.all}</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}
