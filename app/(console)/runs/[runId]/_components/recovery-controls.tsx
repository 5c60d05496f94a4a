"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { reauthRequiredOf } from "@/lib/trpc/reauth-required";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { ReauthPrompt } from "./reauth-prompt";
import { useRefreshRun } from "./use-run-action";

/** After a failure or an interruption: retry, or (a lead) skip with a written reason. */
export function RecoveryControls({ run, step }: { run: RunView; step: RunStepView }) {
  const trpc = useTRPC();
  const refresh = useRefreshRun(run.id);
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState("");
  const retry = useMutation(trpc.runs.retry.mutationOptions({ onSuccess: () => void refresh() }));
  const skip = useMutation(trpc.runs.skip.mutationOptions({ onSuccess: () => void refresh() }));
  const error = retry.error ?? skip.error;
  const info = error ? readClientError(error) : null;
  const reauth = reauthRequiredOf(retry.error);
  return (
    <div className="stack">
      {reauth && retry.variables ? (
        <ReauthPrompt
          id={`reauth-${step.id}`}
          message={retry.error!.message}
          details={reauth}
          onConfirmed={() => retry.mutate(retry.variables!)}
          onCancel={() => retry.reset()}
        />
      ) : (
        <FormError error={info && !info.fields.reason ? info : null} />
      )}
      {skipping ? (
        <Field id="skip-reason" label="Why skip this step?" error={info?.fields.reason}>
          <textarea
            {...fieldAria("skip-reason", info?.fields.reason)}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </Field>
      ) : null}
      <div className="row">
        {step.can.retry && !skipping ? (
          <button
            className="button"
            type="button"
            disabled={retry.isPending}
            onClick={() => retry.mutate({ runId: run.id, stepId: step.id })}
          >
            {step.status === "interrupted" ? "Retry (resume safely)" : "Retry"}
          </button>
        ) : null}
        {step.can.skip && !skipping ? (
          <button className="button secondary" type="button" onClick={() => setSkipping(true)}>
            Skip…
          </button>
        ) : null}
        {skipping ? (
          <>
            <button
              className="button danger"
              type="button"
              disabled={skip.isPending}
              onClick={() => skip.mutate({ runId: run.id, stepId: step.id, reason })}
            >
              Skip this step
            </button>
            <button className="button secondary" type="button" onClick={() => setSkipping(false)}>
              Cancel
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}
