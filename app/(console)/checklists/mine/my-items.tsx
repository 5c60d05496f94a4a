"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { formatCalendarDate } from "@/lib/checklists/dates";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { ItemStatusBadge, PriorityBadge } from "../_components/badges";

/** Everything assigned to me on every checklist, open first, with my notices. */
export function MyItems() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mine = useQuery(trpc.checklists.myItems.queryOptions());
  const dismiss = useMutation(
    trpc.checklists.dismissNotice.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.checklists.pathKey() }),
    }),
  );
  return (
    <>
      <Link prefetch={false} className="back-link" href="/checklists">
        ← Checklists
      </Link>
      <div className="page-header">
        <div>
          <h1>My items</h1>
          <p>Checklist items you own, on every checklist; open ones first.</p>
        </div>
      </div>
      <div className="stack">
        {mine.isError ? <FormError error={readClientError(mine.error)} /> : null}
        {mine.data && mine.data.notices.length > 0 ? (
          <section className="card" aria-labelledby="notices-title">
            <h2 id="notices-title">Notices</h2>
            <ul className="list" aria-label="Notices">
              {mine.data.notices.map((n) => (
                <li key={n.id}>
                  <span>
                    <Link prefetch={false} href={`/checklists/${n.checklistId}`}>
                      {n.message}
                    </Link>
                  </span>
                  <button
                    className="button small secondary"
                    type="button"
                    onClick={() => dismiss.mutate({ noticeId: n.id })}
                  >
                    Dismiss
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <section className="card">
          {mine.data && mine.data.items.length === 0 ? (
            <p className="empty">Nothing is assigned to you. A lead assigns items on a checklist&apos;s page.</p>
          ) : null}
          {mine.data && mine.data.items.length > 0 ? (
            <div className="table-wrap">
              <table className="table" aria-label="My items">
                <thead>
                  <tr>
                    <th>Item</th>
                    <th>Checklist</th>
                    <th>Priority</th>
                    <th>Status</th>
                    <th>Due</th>
                  </tr>
                </thead>
                <tbody>
                  {mine.data.items.map((item) => (
                    <tr key={item.id}>
                      <td data-label="Item">
                        <Link prefetch={false} href={`/checklists/${item.checklistId}#item-${item.id}`}>
                          {item.title}
                        </Link>
                        <div className="small muted">
                          {item.section}
                          {item.fromIncident ? (
                            <>
                              {" · "}
                              <Link prefetch={false} href={`/incidents/${item.fromIncident.id}`}>
                                From incident #{item.fromIncident.number}
                              </Link>
                            </>
                          ) : null}
                        </div>
                      </td>
                      <td data-label="Checklist">{item.checklist}</td>
                      <td data-label="Priority">
                        <PriorityBadge priority={item.priority} />
                      </td>
                      <td data-label="Status">
                        <ItemStatusBadge status={item.status} stale={item.stale} />
                      </td>
                      <td data-label="Due" className={item.overdue ? "text-danger" : undefined}>
                        {item.overdue ? "Overdue: " : ""}
                        {formatCalendarDate(item.dueDate)}
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
