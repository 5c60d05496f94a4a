"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { QueryList } from "@/app/_components/query-list";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { CreateTokenForm } from "./create-token-form";
import { LongToken } from "@/app/_components/long-token";

/** Shows a new token exactly once: Keel keeps only its hash, so it cannot be shown again. */
function NewTokenNotice({ name, token, onDismiss }: { name: string; token: string; onDismiss: () => void }) {
  return (
    <div className="alert ok stack" role="status" data-testid="new-api-token">
      <div>
        Token <strong>{name}</strong> created. Copy it into your CI system&apos;s secret store now: it will not be shown
        again. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.
      </div>
      <div className="row">
        <LongToken value={token} what="API token" className="secret-once" testId="new-api-token-value" />
        <button className="button ghost small" type="button" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}

export function ApiTokensAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSettled: refresh }));

  return (
    <>
      <div className="page-header">
        <div>
          <h1>API tokens</h1>
          <p>
            Tokens let CI pipelines call Keel&apos;s REST API, for example to record a deployment with{" "}
            <code>POST /api/v1/deployments</code>.
          </p>
        </div>
        {!creating ? (
          <button className="button" type="button" onClick={() => setCreating(true)}>
            Create token
          </button>
        ) : null}
      </div>
      <div className="stack">
        {created ? <NewTokenNotice {...created} onDismiss={() => setCreated(null)} /> : null}
        {creating ? (
          <CreateTokenForm
            onCancel={() => setCreating(false)}
            onCreated={(name, token) => {
              setCreating(false);
              setCreated({ name, token });
              void refresh();
            }}
          />
        ) : null}
        <FormError error={revoke.error ? readClientError(revoke.error) : null} />
        <section className="card">
          <QueryList query={tokens} items={(data) => data} empty="No tokens yet.">
            {(items) => (
              <div className="table-wrap">
                <table className="table" aria-label="API tokens">
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Scopes</th>
                      <th>Created</th>
                      <th>Last used</th>
                      <th>Status</th>
                      <th>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((token) => (
                      <tr key={token.id} data-testid={`api-token-${token.name}`}>
                        <td data-label="Name">
                          <div>{token.name}</div>
                          <div className="muted small" title="Fingerprint: how the audit trail names this token">
                            <LongToken
                              value={token.fingerprint}
                              what={`fingerprint of ${token.name}`}
                              className="fingerprint"
                            />
                          </div>
                        </td>
                        <td data-label="Scopes">
                          {token.scopes.map((scope) => (
                            <code key={scope}>{scope}</code>
                          ))}
                        </td>
                        <td data-label="Created">{formatDateTime(token.createdAt)}</td>
                        <td data-label="Last used">{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "Never"}</td>
                        <td data-label="Status">
                          {token.revokedAt ? (
                            <span className="badge danger">Revoked</span>
                          ) : (
                            <span className="badge ok">Active</span>
                          )}
                        </td>
                        <td data-label="Actions">
                          {token.revokedAt ? null : confirming === token.id ? (
                            <div className="row">
                              <span className="small">Revoke {token.name}? Its next request is refused.</span>
                              <button
                                className="button danger small"
                                type="button"
                                onClick={() => {
                                  setConfirming(null);
                                  revoke.mutate({ tokenId: token.id });
                                }}
                              >
                                Revoke
                              </button>
                              <button
                                className="button secondary small"
                                type="button"
                                onClick={() => setConfirming(null)}
                              >
                                Cancel
                              </button>
                            </div>
                          ) : (
                            <button
                              className="button secondary small"
                              type="button"
                              onClick={() => setConfirming(token.id)}
                            >
                              Revoke
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
      </div>
    </>
  );
}
