"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "@/app/_components/form-error";
import { QueryList } from "@/app/_components/query-list";

export function SessionsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions());
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() }),
    }),
  );
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are signed in</h2>
      <FormError error={revoke.error ? readClientError(revoke.error) : null} />
      <QueryList query={sessions} items={(data) => data} empty="You have no open sessions.">
        {(items) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Signed in</th>
                  <th>Last active</th>
                  <th>From</th>
                  <th>Browser</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Signed in">
                      {formatDateTime(s.createdAt)} {s.method === "oidc" ? <span className="badge">SSO</span> : null}
                    </td>
                    <td data-label="Last active">{formatDateTime(s.lastSeenAt)}</td>
                    <td data-label="From">{s.ip ?? "—"}</td>
                    <td data-label="Browser" className="small muted">
                      {s.userAgent ? s.userAgent.slice(0, 60) : "—"}
                    </td>
                    <td>
                      {s.current ? (
                        <span className="badge ok">This browser</span>
                      ) : (
                        <button
                          className="button secondary small"
                          type="button"
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate({ sessionId: s.id })}
                        >
                          Sign out
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryList>
    </section>
  );
}
