"use client";

import { useMutation } from "@tanstack/react-query";
import { FormError } from "@/app/_components/form-error";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { useRefreshRun } from "./use-run-action";

/** Execute an action whose plan is shown just above. */
export function ExecuteControls({ run, step }: { run: RunView; step: RunStepView }) {
  const trpc = useTRPC();
  const refresh = useRefreshRun(run.id);
  const execute = useMutation(trpc.runs.execute.mutationOptions({ onSuccess: () => void refresh() }));
  return (
    <div className="stack">
      <FormError error={execute.error ? readClientError(execute.error) : null} />
      <div className="row">
        <button className="button" type="button" disabled={execute.isPending} onClick={() => execute.mutate({ runId: run.id, stepId: step.id })}>
          {execute.isPending ? "Starting…" : `Execute: ${step.title}`}
        </button>
        {step.compensation ? <span className="small muted">Can be undone by aborting the run ({step.compensation}).</span> : <span className="small muted">This change has no automatic undo.</span>}
      </div>
    </div>
  );
}
