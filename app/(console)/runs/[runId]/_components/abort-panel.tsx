"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import type { RunView } from "@/lib/trpc/outputs";
import { useRefreshRun } from "./use-run-action";

/** Confirmation before an abort, listing exactly which undo actions will run and in what order. */
export function AbortPanel({ run, onClose }: { run: RunView; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshRun(run.id);
  const [reason, setReason] = useState("");
  const abort = useMutation(trpc.runs.abort.mutationOptions({ onSuccess: () => void refresh().then(onClose) }));
  const error = abort.error ? readClientError(abort.error) : null;
  return (
    <section className="card danger-card stack" aria-labelledby="abort-title">
      <h2 id="abort-title">Abort run {run.number}?</h2>
      {run.can.compensations.length > 0 ? (
        <>
          <p>These completed steps will be undone, in this order:</p>
          <ol className="step-outline">
            {run.can.compensations.map((c) => (
              <li key={c.stepId}>
                {c.title} <span className="muted small">({c.action})</span>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p>No completed step has an undo action; nothing will be changed back.</p>
      )}
      <p className="small muted">
        Steps not started yet will not run. A step that is running finishes first, then is undone if it can be.
      </p>
      <FormError error={error && !error.fields.reason ? error : null} />
      <Field id="abort-reason" label="Why are you aborting?" error={error?.fields.reason}>
        <textarea
          {...fieldAria("abort-reason", error?.fields.reason)}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <div className="row">
        <button
          className="button danger"
          type="button"
          disabled={abort.isPending}
          onClick={() => abort.mutate({ runId: run.id, reason })}
        >
          {abort.isPending ? "Aborting…" : "Abort and undo"}
        </button>
        <button className="button secondary" type="button" onClick={onClose}>
          Keep running
        </button>
      </div>
    </section>
  );
}
