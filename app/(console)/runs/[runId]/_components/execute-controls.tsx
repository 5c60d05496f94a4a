"use client";

import { useMutation } from "@tanstack/react-query";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { reauthRequiredOf } from "@/lib/trpc/reauth-required";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { ReauthPrompt } from "./reauth-prompt";
import { useRefreshRun } from "./use-run-action";

/** Execute an action whose plan is shown just above. */
export function ExecuteControls({ run, step }: { run: RunView; step: RunStepView }) {
  const trpc = useTRPC();
  const refresh = useRefreshRun(run.id);
  const execute = useMutation(trpc.runs.execute.mutationOptions({ onSuccess: () => void refresh() }));
  const reauth = reauthRequiredOf(execute.error);
  return (
    <div className="stack">
      {reauth && execute.variables ? (
        <ReauthPrompt
          id={`reauth-${step.id}`}
          message={execute.error!.message}
          details={reauth}
          onConfirmed={() => execute.mutate(execute.variables!)}
          onCancel={() => execute.reset()}
        />
      ) : (
        <FormError error={execute.error ? readClientError(execute.error) : null} />
      )}
      {/* While the password prompt is open, it is the way on: it repeats this command. */}
      {reauth ? null : (
        <div className="row">
          <button
            className="button"
            type="button"
            disabled={execute.isPending}
            onClick={() => execute.mutate({ runId: run.id, stepId: step.id })}
          >
            {execute.isPending ? "Starting…" : `Execute: ${step.title}`}
          </button>
          {step.compensation ? (
            <span className="small muted">Can be undone by aborting the run ({step.compensation}).</span>
          ) : (
            <span className="small muted">This change has no automatic undo.</span>
          )}
        </div>
      )}
    </div>
  );
}
