"use client";

import { Markdown } from "@/app/_components/markdown";
import { StepStatusBadge } from "@/app/_components/status-badge";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { ApprovalPanel } from "./approval-panel";
import { ExecuteControls } from "./execute-controls";
import { ManualControls } from "./manual-controls";
import { OutputViewer } from "./output-viewer";
import { PlanView } from "./plan-view";
import { RecoveryControls } from "./recovery-controls";

const KIND_EXPLANATION: Record<RunStepView["kind"], string> = {
  manual: "You do this yourself, then mark it done.",
  check: "Keel verifies this automatically.",
  action: "Keel makes this change once you have reviewed the plan and chosen to execute it.",
  approval: "Someone other than the person who started the run approves what follows.",
};

/** The step the run is on: what to do and why, the plan, the controls, live progress and output. */
export function CurrentStep({ run, step, outputTick }: { run: RunView; step: RunStepView; outputTick: number }) {
  const busy = step.status === "queued" || step.status === "running";
  return (
    <section className="card current-step stack" aria-labelledby="current-step-title" data-testid="current-step">
      <div className="card-title-row">
        <h2 id="current-step-title">Now: {step.title}</h2>
        <StepStatusBadge status={step.status} />
      </div>
      <p className="muted small">
        Step {step.position + 1} of {run.steps.length}. {KIND_EXPLANATION[step.kind]}
        {step.actorLabel && busy ? ` Requested by ${step.actorLabel}.` : ""}
      </p>
      {step.instructions ? <Markdown>{step.instructions}</Markdown> : null}

      {step.kind === "manual" && step.can.confirm ? <ManualControls run={run} step={step} /> : null}
      {step.kind === "check" && step.status === "waiting_operator" && step.confirmByHand ? (
        <div className="alert warn" role="status" data-testid="check-unverified">
          Keel could not verify this by itself: {step.confirmByHand} It stays unconfirmed until someone checks by hand
          and says what they saw.
        </div>
      ) : null}
      {step.kind === "check" && step.can.confirm ? <ManualControls run={run} step={step} /> : null}

      {step.kind === "action" && step.status === "planning" ? (
        <p className="muted">Working out exactly what will change…</p>
      ) : null}
      {step.kind === "action" && step.plan ? <PlanView plan={step.plan} heading="What will change" /> : null}
      {step.kind === "action" && step.can.execute ? <ExecuteControls run={run} step={step} /> : null}

      {step.kind === "check" && busy ? <p className="muted">Checking…</p> : null}
      {step.kind === "approval" ? <ApprovalPanel run={run} step={step} /> : null}

      {busy && step.kind === "action" ? (
        <div className="stack">
          <progress className="step-progress" max={1} value={step.progress ?? undefined} aria-label="Progress" />
          <span className="small muted">
            {step.progressMessage ?? (step.status === "queued" ? "Waiting for a worker…" : "Running…")}
          </span>
        </div>
      ) : null}
      {(step.kind === "action" && step.status !== "planning" && step.status !== "waiting_operator") ||
      step.kind === "check" ? (
        <OutputViewer runId={run.id} stepId={step.id} attempt={step.attempt} tick={outputTick} live={busy} />
      ) : null}

      {step.error && (step.status === "failed" || step.status === "interrupted") ? (
        <div className="alert error" role="alert">
          {step.error}
        </div>
      ) : null}
      {step.can.retry || step.can.skip ? <RecoveryControls run={run} step={step} /> : null}
    </section>
  );
}
