"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field, fieldAria } from "@/app/_components/field";
import { FormError } from "@/app/_components/form-error";
import { formatDateTime } from "@/lib/format/time";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";
import { reauthRequiredOf } from "@/lib/trpc/reauth-required";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { PlanView } from "./plan-view";
import { ReauthPrompt } from "./reauth-prompt";
import { useRefreshRun } from "./use-run-action";

/**
 * What the approver decides on: the inputs (beside, in the inputs card) and the plans of the
 * actions this approval covers. The decision is bound to exactly these; if they change, it is void.
 */
export function ApprovalPanel({ run, step }: { run: RunView; step: RunStepView }) {
  const trpc = useTRPC();
  const refresh = useRefreshRun(run.id);
  const [comment, setComment] = useState("");
  const [refusing, setRefusing] = useState(false);
  const approve = useMutation(
    trpc.runs.approve.mutationOptions({ onSuccess: () => void refresh(), onError: () => void refresh() }),
  );
  const refuse = useMutation(
    trpc.runs.refuse.mutationOptions({ onSuccess: () => void refresh(), onError: () => void refresh() }),
  );
  const error = approve.error ?? refuse.error;
  const errorInfo = error ? readClientError(error) : null;
  const reauth = reauthRequiredOf(approve.error);
  const covered = Object.entries(step.coveredPlans ?? {});
  const decisions = step.approvals.filter((a) => a.attempt === step.attempt);
  // What the approver relies on that Keel did not verify itself: checks a person confirmed by hand.
  const byHand = run.steps.filter(
    (s) => s.position < step.position && s.kind === "check" && s.confirmByHand && s.status === "succeeded",
  );

  return (
    <div className="stack">
      {step.status === "planning" ? <p className="muted">Preparing the plans to approve…</p> : null}
      {byHand.length > 0 ? (
        <div className="alert warn" data-testid="approval-checked-by-hand">
          Keel did not verify everything before this approval:
          <ul>
            {byHand.map((s) => (
              <li key={s.id}>
                “{s.title}”: {s.confirmByHand} Checked by hand by {s.actorLabel ?? "someone"}
                {typeof s.evidence?.note === "string" ? `: ${s.evidence.note.replace(/[.\s]+$/, "")}` : ""}
                {typeof s.evidence?.link === "string" ? ` (${s.evidence.link})` : ""}.
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {covered.map(([stepId, entry]) => {
        const title = run.steps.find((s) => s.id === stepId)?.title ?? stepId;
        if (entry.plan)
          return <PlanView key={stepId} plan={entry.plan} heading={`If approved, "${title}" will change`} />;
        return (
          <p key={stepId} className="small muted">
            “{title}”:{" "}
            {entry.hash === "deferred"
              ? `it can only be planned after the steps before it have run${entry.note ? ` (${entry.note.replace(/[.\s]+$/, "")})` : ""}. Its plan is shown on this page then, before anyone executes it.`
              : (entry.note ?? "its plan is being computed.")}
          </p>
        );
      })}
      {decisions.length > 0 ? (
        <ul className="list" aria-label="Approvals">
          {decisions.map((d) => (
            <li key={`${d.userLabel}-${String(d.createdAt)}`}>
              <span>
                {d.decision === "approved" ? "Approved" : "Refused"} by {d.userLabel}
                {d.comment ? `: ${d.comment}` : ""}
                {d.voided ? <span className="badge">void: {d.voidReason}</span> : null}
              </span>
              <span className="small muted">
                {formatDateTime(d.createdAt)}
                {d.expiresAt ? ` · valid until ${formatDateTime(d.expiresAt)}` : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {step.status === "waiting_approval" && step.neededBy.length > 0 ? (
        <p className="small muted" data-testid="approval-needed-by">
          This approval cannot be skipped: {step.neededBy.map((title) => `“${title}”`).join(" and ")} must not run
          without it.
        </p>
      ) : null}
      {step.approvals.some((a) => a.voided) ? (
        <p className="small muted">Earlier approvals were voided because what they approved changed.</p>
      ) : null}
      {step.can.decide && step.bindingHash ? (
        <div className="stack">
          {reauth && approve.variables ? (
            <ReauthPrompt
              id={`reauth-${step.id}`}
              message={approve.error!.message}
              details={reauth}
              onConfirmed={() => approve.mutate(approve.variables!)}
              onCancel={() => approve.reset()}
            />
          ) : (
            <FormError error={errorInfo && !errorInfo.fields.comment ? errorInfo : null} />
          )}
          {refusing ? (
            <Field
              id="refuse-comment"
              label="Why do you refuse?"
              hint="Refusing ends the run: what it already changed is undone, and the person who started it can start again with other inputs."
              error={errorInfo?.fields.comment}
            >
              <textarea
                {...fieldAria("refuse-comment", errorInfo?.fields.comment)}
                rows={2}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
            </Field>
          ) : null}
          <div className="row">
            {!refusing ? (
              <>
                <button
                  className="button"
                  type="button"
                  disabled={approve.isPending}
                  onClick={() => approve.mutate({ runId: run.id, stepId: step.id, bindingHash: step.bindingHash! })}
                >
                  {approve.isPending ? "Approving…" : "Approve"}
                </button>
                <button className="button secondary" type="button" onClick={() => setRefusing(true)}>
                  Refuse…
                </button>
              </>
            ) : (
              <>
                <button
                  className="button danger"
                  type="button"
                  disabled={refuse.isPending}
                  onClick={() =>
                    refuse.mutate({ runId: run.id, stepId: step.id, bindingHash: step.bindingHash!, comment })
                  }
                >
                  {refuse.isPending ? "Refusing…" : "Refuse"}
                </button>
                <button className="button secondary" type="button" onClick={() => setRefusing(false)}>
                  Cancel
                </button>
              </>
            )}
          </div>
        </div>
      ) : null}
    </div>
  );
}
