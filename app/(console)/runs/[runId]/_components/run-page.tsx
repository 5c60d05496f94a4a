"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { FormError } from "@/app/_components/form-error";
import { useRunEvents } from "@/lib/live/use-run-events";
import type { Role } from "@/lib/roles";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { CurrentStep } from "./current-step";
import { RunHeader } from "./run-header";
import { RunHistory } from "./run-history";
import { RunInputs } from "./run-inputs";
import { StatusBanner } from "./status-banner";
import { StepList } from "./step-list";
import { useRefreshRun } from "./use-run-action";

/** The run page: what to do now and why, what comes next, and everything that happened. */
export function RunPage({ runId, viewer }: { runId: string; viewer: { id: string; role: Role } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshRun(runId);
  // An instance of the awaited worker group starting changes no run, so nothing is pushed: look again every few seconds.
  const run = useQuery({
    ...trpc.runs.get.queryOptions({ runId }),
    refetchInterval: (query) => (query.state.data?.waitingForInstance ? 5000 : false),
  });
  const [outputTick, setOutputTick] = useState(0);
  const { connected } = useRunEvents(runId, {
    onRunChanged: (version) => {
      if (run.data?.version !== version) void refresh();
      setOutputTick((n) => n + 1);
    },
    onOutput: () => setOutputTick((n) => n + 1),
    onGone: () => void queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId }) }),
  });

  if (run.isPending) return <p className="muted">Loading the run…</p>;
  if (run.isError) return <FormError error={readClientError(run.error)} />;
  const view = run.data;
  const current = view.steps.find((s) => s.id === view.currentStepId) ?? null;
  const upcoming = current ? view.steps.filter((s) => s.position > current.position && s.status === "pending") : [];
  const hasAside = upcoming.length > 0 || view.inputs.length > 0 || view.locks.keys.length > 0;

  return (
    <div className="stack run-page">
      <RunHeader run={view} live={connected} viewer={viewer} />
      <StatusBanner run={view} current={current} viewer={viewer} />
      {view.waitingForInstance ? (
        <div className="alert warn" role="status" data-testid="run-instance-wait">
          {view.waitingForInstance.message}
        </div>
      ) : null}
      <div className={hasAside ? "run-layout" : "run-layout no-aside"}>
        <div className="stack">
          {current ? <CurrentStep run={view} step={current} outputTick={outputTick} /> : null}
          <StepList run={view} outputTick={outputTick} />
          <RunHistory runId={runId} />
        </div>
        {hasAside ? (
          <aside className="stack">
            {upcoming.length > 0 ? (
              <section className="card">
                <h2>Next</h2>
                <ol className="step-outline">
                  {upcoming.map((step) => (
                    <li key={step.id}>{step.title}</li>
                  ))}
                </ol>
              </section>
            ) : null}
            <RunInputs run={view} />
          </aside>
        ) : null}
      </div>
    </div>
  );
}
