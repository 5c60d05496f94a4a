"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

/**
 * The demo environment: practice targets Keel built under its data directory at first start.
 * Removing it is for when a team moves to real targets; it cannot be undone, so it asks first.
 */
export function DemoPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.demo.status.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.demo.remove.mutationOptions({
      onSettled: () => {
        setConfirming(false);
        void queryClient.invalidateQueries({ queryKey: trpc.demo.status.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.targets.list.queryKey() });
      },
    }),
  );
  const state = status.data?.state ?? null;
  const targets = status.data?.targets ?? [];

  return (
    <section className="card stack" aria-labelledby="demo-title" data-testid="demo-panel">
      <div className="card-title-row">
        <h2 id="demo-title">Demo environment</h2>
        {state?.status === "present" ? (
          <span className="badge warn">Demo: present</span>
        ) : state?.status === "removed" ? (
          <span className="badge muted">Removed</span>
        ) : null}
      </div>
      {status.isError ? <FormError error={readClientError(status.error)} /> : null}
      {status.data && !state ? (
        <p className="muted">
          This installation has no demo environment (it is created at first start unless KEEL_DEMO=off).
        </p>
      ) : null}
      {state?.status === "removed" ? (
        <p>
          Removed on {formatDateTime(state.removedAt)} by {state.by}. It will not be created again.
        </p>
      ) : null}
      {state?.status === "present" ? (
        <>
          <p>
            Created on {formatDateTime(state.createdAt)}. Its targets are real but local practice ones that Keel made
            for itself, so every runbook can be tried end to end without touching production. They are marked{" "}
            <span className="badge warn">Demo</span> everywhere.
          </p>
          {targets.length > 0 ? (
            <ul className="list" aria-label="Demo targets">
              {targets.map((target) => (
                <li key={`${target.kind}:${target.name}`}>
                  <span>
                    <strong>{target.name}</strong> <span className="muted small">{target.kindLabel}</span>
                  </span>
                  <span className="muted small">{target.summary}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">It has no targets in this build.</p>
          )}
          <FormError error={remove.error ? readClientError(remove.error) : null} />
          {confirming ? (
            <div className="alert warn stack" role="alertdialog" aria-labelledby="demo-confirm-text">
              <span id="demo-confirm-text">
                Remove the demo environment?{" "}
                {targets.length === 0
                  ? "Its files are"
                  : targets.length === 1
                    ? "Its 1 target and its files are"
                    : `Its ${targets.length} targets and its files are`}{" "}
                deleted, and it is not created again. Runs that used it keep their records.
              </span>
              <div className="row">
                <button
                  className="button danger"
                  type="button"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate({ confirm: true })}
                >
                  {remove.isPending ? "Removing…" : "Yes, remove the demo environment"}
                </button>
                <button className="button secondary" type="button" onClick={() => setConfirming(false)}>
                  Keep it
                </button>
              </div>
            </div>
          ) : (
            <div className="row">
              <button className="button secondary" type="button" onClick={() => setConfirming(true)}>
                Remove demo environment…
              </button>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
