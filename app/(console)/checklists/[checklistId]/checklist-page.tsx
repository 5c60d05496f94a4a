"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { FormError } from "@/app/_components/form-error";
import { formatCalendarDate } from "@/lib/checklists/dates";
import { SETTABLE_STATUSES } from "@/lib/checklists/inputs";
import { ITEM_STATUSES, STATUS_LABELS, type ItemStatus } from "@/lib/checklists/readiness";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { ProgressBar } from "../_components/badges";
import { ChecklistSettings } from "./checklist-settings";
import { ItemCard } from "./item-card";

export type Viewer = { id: string; lead: boolean; responder: boolean };
type Filters = { owner?: string; section?: string; status?: ItemStatus };

export function ChecklistPage({ checklistId, viewer }: { checklistId: string; viewer: Viewer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<Filters>({});
  const view = useQuery({
    ...trpc.checklists.get.queryOptions({ checklistId, ...filters }),
    placeholderData: (previous) => previous,
  });
  const people = useQuery(trpc.checklists.people.queryOptions());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkError, setBulkError] = useState<ClientErrorInfo | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.checklists.pathKey() });
  const bulkDone = {
    onSuccess: () => (setSelected(new Set()), setBulkError(null), refresh()),
    onError: (e: unknown) => setBulkError(readClientError(e)),
  };
  const assign = useMutation(trpc.checklists.assign.mutationOptions(bulkDone));
  const setStatuses = useMutation(trpc.checklists.setStatuses.mutationOptions(bulkDone));
  const dismiss = useMutation(trpc.checklists.dismissNotice.mutationOptions({ onSuccess: () => refresh() }));

  if (view.isError && !view.data) return <FormError error={readClientError(view.error)} />;
  if (!view.data) return <p className="empty">Loading…</p>;
  const { checklist, template, gate, progress, sections, overdue, items, notices } = view.data;
  const allSections = sections.map((s) => s.section);

  function onAssign(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const owner = String(new FormData(event.currentTarget).get("bulk-owner") ?? "");
    assign.mutate({ checklistId, itemIds: [...selected], ownerId: owner === "unassigned" ? null : owner });
  }
  function onSetStatus(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const status = String(new FormData(event.currentTarget).get("bulk-status")) as (typeof SETTABLE_STATUSES)[number];
    setStatuses.mutate({ checklistId, itemIds: [...selected], status });
  }
  const toggle = (id: string, on: boolean) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <>
      <Link prefetch={false} className="back-link" href="/checklists">
        ← Checklists
      </Link>
      <div className="page-header">
        <div>
          <h1>{checklist.name}</h1>
          <p>
            {checklist.service} · launch {formatCalendarDate(checklist.launchDate)} (
            {checklist.daysToLaunch >= 0 ? `in ${checklist.daysToLaunch} days` : `${-checklist.daysToLaunch} days ago`})
            · owner {checklist.owner} · {template.title} v{template.version}
            {template.isCurrent ? "" : " (the template has changed since; this checklist keeps its version)"}
          </p>
        </div>
        <Link prefetch={false} className="button secondary" href={`/checklists/${checklistId}/history`}>
          Change history
        </Link>
      </div>

      <div className="stack">
        {notices.map((notice) => (
          <div key={notice.id} className="alert warn row" role="status">
            <span>{notice.message}</span>
            <span className="spacer" />
            <button
              className="button small secondary"
              type="button"
              onClick={() => dismiss.mutate({ noticeId: notice.id })}
            >
              Dismiss
            </button>
          </div>
        ))}

        <div className="grid grid-2">
          <section className="card" aria-labelledby="gate-title" data-testid="readiness-gate">
            <h2 id="gate-title">Launch gate</h2>
            <p className={`gate ${gate.ready ? "ready" : "not-ready"}`} data-testid="gate-label">
              {gate.label}
            </p>
            {gate.openCritical.length > 0 ? (
              <ul className="list" aria-label="Open critical items">
                {gate.openCritical.map((item) => (
                  <li key={item.id}>
                    <a href={`#item-${item.id}`}>{item.title}</a>
                    <span className="small muted">{item.section}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Every critical item is done, waived or not applicable.</p>
            )}
          </section>
          <section className="card" aria-labelledby="progress-title">
            <h2 id="progress-title">Progress</h2>
            <div className="progress-grid">
              <span>Overall</span>
              <ProgressBar closed={progress.closed} total={progress.total} label="Overall progress" />
              {sections.map((s) => (
                <SectionRow key={s.section} {...s} />
              ))}
            </div>
          </section>
        </div>

        {overdue.length > 0 ? (
          <section className="card" aria-labelledby="overdue-title">
            <h2 id="overdue-title">Overdue ({overdue.length})</h2>
            <ul className="list" aria-label="Overdue items">
              {overdue.map((item) => (
                <li key={item.id}>
                  <a href={`#item-${item.id}`}>{item.title}</a>
                  <span className="small text-danger">
                    {item.priority}, due {formatCalendarDate(item.dueDate)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {viewer.lead ? <ChecklistSettings checklist={checklist} people={people.data ?? []} onSaved={refresh} /> : null}

        <section className="card" aria-labelledby="items-title">
          <div className="card-title-row">
            <h2 id="items-title">Items</h2>
            <span className="small muted">
              {items.length} shown{view.data.filtered ? ` of ${progress.total}` : ""}
            </span>
          </div>
          <form className="item-filters" aria-label="Filter items" onSubmit={(e) => e.preventDefault()}>
            <label>
              Owner{" "}
              <select
                className="inline-select"
                aria-label="Filter by owner"
                value={filters.owner ?? ""}
                onChange={(e) => setFilters({ ...filters, owner: e.target.value || undefined })}
              >
                <option value="">Anyone</option>
                <option value="unassigned">Unassigned</option>
                {people.data?.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Section{" "}
              <select
                className="inline-select"
                aria-label="Filter by section"
                value={filters.section ?? ""}
                onChange={(e) => setFilters({ ...filters, section: e.target.value || undefined })}
              >
                <option value="">All sections</option>
                {allSections.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Status{" "}
              <select
                className="inline-select"
                aria-label="Filter by status"
                value={filters.status ?? ""}
                onChange={(e) =>
                  setFilters({ ...filters, status: (e.target.value || undefined) as ItemStatus | undefined })
                }
              >
                <option value="">Any status</option>
                {ITEM_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
          </form>

          {viewer.lead ? (
            <div className="bulk-bar" aria-label="Bulk actions">
              <span className="small">{selected.size} selected</span>
              <button
                className="button small ghost"
                type="button"
                onClick={() => setSelected(new Set(items.map((i) => i.id)))}
              >
                Select all shown
              </button>
              <form className="row" onSubmit={onAssign}>
                <label className="small" htmlFor="bulk-owner">
                  Assign to
                </label>
                <select className="inline-select" id="bulk-owner" name="bulk-owner" defaultValue="unassigned">
                  <option value="unassigned">Nobody (unassign)</option>
                  {people.data?.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </select>
                <button className="button small" type="submit" disabled={selected.size === 0 || assign.isPending}>
                  Assign
                </button>
              </form>
              <form className="row" onSubmit={onSetStatus}>
                <label className="small" htmlFor="bulk-status">
                  Set status
                </label>
                <select className="inline-select" id="bulk-status" name="bulk-status" defaultValue="done">
                  {SETTABLE_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
                <button className="button small" type="submit" disabled={selected.size === 0 || setStatuses.isPending}>
                  Set
                </button>
              </form>
              <FormError error={bulkError} />
            </div>
          ) : null}

          {items.length === 0 ? <p className="empty">No item matches these filters.</p> : null}
          <ul className="item-list" aria-label="Checklist items">
            {items.map((item) => (
              <ItemCard
                key={item.id}
                item={item}
                viewer={viewer}
                selected={selected.has(item.id)}
                onSelect={(on) => toggle(item.id, on)}
                onChanged={refresh}
              />
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}

function SectionRow({ section, closed, total }: { section: string; closed: number; total: number }) {
  return (
    <>
      <span>{section}</span>
      <ProgressBar closed={closed} total={total} label={`Progress of ${section}`} />
    </>
  );
}
