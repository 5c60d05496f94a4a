"use client";

import { useState } from "react";
import { StepStatusBadge } from "@/app/_components/status-badge";
import { formatDateTime } from "@/lib/format/time";
import type { RunView } from "@/lib/trpc/outputs";
import { OutputViewer } from "./output-viewer";

/** Every step, in order: its status, who acted, evidence, result and (on demand) its output. */
export function StepList({ run, outputTick }: { run: RunView; outputTick: number }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="steps-title">
      <h2 id="steps-title">Steps</h2>
      <ol className="step-timeline">
        {run.steps.map((step) => (
          <li key={step.id} className={step.isCurrent ? "current" : undefined} data-testid={`step-${step.id}`}>
            <div className="row">
              <span className="step-number">{step.position + 1}</span>
              <strong>{step.title}</strong>
              <StepStatusBadge status={step.status} cancelledWithRun={step.cancelledWithRun} />
              {step.attempt > 1 ? <span className="badge">attempt {step.attempt}</span> : null}
              {step.confirmByHand && step.status === "succeeded" ? (
                <span className="badge warn">checked by hand, not by Keel</span>
              ) : null}
            </div>
            <div className="step-details small muted">
              {step.actorLabel && !step.cancelledWithRun ? <span>by {step.actorLabel}</span> : null}
              {step.cancelledWithRun ? (
                <span>
                  {run.status === "refused" ? "not run: the run was refused" : "not run: the run was cancelled"}
                </span>
              ) : null}
              {step.endedAt ? <span>{formatDateTime(step.endedAt)}</span> : null}
              {step.skipReason ? <span>skipped: {step.skipReason}</span> : null}
              {step.output && typeof step.output.summary === "string" ? <span>{step.output.summary}</span> : null}
              {step.evidence && typeof step.evidence.note === "string" ? <span>note: {step.evidence.note}</span> : null}
              {step.evidence && typeof step.evidence.link === "string" ? (
                <a href={step.evidence.link} target="_blank" rel="noreferrer noopener">
                  evidence link
                </a>
              ) : null}
              {step.error && !step.isCurrent ? <span className="text-danger">{step.error}</span> : null}
            </div>
            {(step.kind === "action" || step.kind === "check") && !step.isCurrent && step.startedAt ? (
              <button
                className="button ghost small"
                type="button"
                onClick={() => setOpen(open === step.id ? null : step.id)}
              >
                {open === step.id ? "Hide output" : "Show output"}
              </button>
            ) : null}
            {open === step.id ? (
              <OutputViewer runId={run.id} stepId={step.id} attempt={step.attempt} tick={outputTick} live={false} />
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
