"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { formatCalendarDate } from "@/lib/checklists/dates";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { GateBadge, ProgressBar } from "./_components/badges";
import { CreateChecklistForm } from "./create-checklist-form";

export function ChecklistsList({ canCreate, viewerId }: { canCreate: boolean; viewerId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const list = useQuery(trpc.checklists.list.queryOptions());
  const [creating, setCreating] = useState(false);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Checklists</h1>
          <p>Launch readiness: what blocks each launch, who owns it, and the evidence.</p>
        </div>
        <div className="row">
          <Link prefetch={false} className="button secondary" href="/checklists/mine">
            My items
          </Link>
          {canCreate && !creating ? (
            <button className="button" type="button" onClick={() => setCreating(true)}>
              New checklist
            </button>
          ) : null}
        </div>
      </div>
      <div className="stack">
        {creating ? (
          <CreateChecklistForm
            viewerId={viewerId}
            onCreated={(id) => router.push(`/checklists/${id}`)}
            onCancel={() => setCreating(false)}
          />
        ) : null}
        <section className="card">
          {list.isError ? <FormError error={readClientError(list.error)} /> : null}
          {list.data && list.data.length === 0 ? (
            <p className="empty">
              No checklists yet.{" "}
              {canCreate
                ? "Create one from a template with “New checklist”."
                : "A lead creates them from the templates."}
            </p>
          ) : null}
          {list.data && list.data.length > 0 ? (
            <div className="table-wrap">
              <table className="table" aria-label="Checklists">
                <thead>
                  <tr>
                    <th>Checklist</th>
                    <th>Service</th>
                    <th>Launch</th>
                    <th>Owner</th>
                    <th>Progress</th>
                    <th>Gate</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((c) => (
                    <tr key={c.id}>
                      <td data-label="Checklist">
                        <Link prefetch={false} href={`/checklists/${c.id}`}>
                          {c.name}
                        </Link>
                        <div className="small muted">
                          {c.template} v{c.templateVersion}
                        </div>
                      </td>
                      <td data-label="Service">{c.service}</td>
                      <td data-label="Launch">
                        {formatCalendarDate(c.launchDate)}
                        <div className="small muted">
                          {c.daysToLaunch >= 0 ? `in ${c.daysToLaunch} days` : `${-c.daysToLaunch} days ago`}
                        </div>
                      </td>
                      <td data-label="Owner">{c.owner}</td>
                      <td data-label="Progress">
                        <ProgressBar
                          closed={c.progress.closed}
                          total={c.progress.total}
                          label={`Progress of ${c.name}`}
                        />
                        {c.overdueCount > 0 ? <div className="small text-danger">{c.overdueCount} overdue</div> : null}
                      </td>
                      <td data-label="Gate">
                        <GateBadge ready={c.gate.ready} label={c.gate.label} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      </div>
    </>
  );
}
