import Link from "next/link";
import { hasRole, type Role } from "@/lib/roles";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";
import { withArticle } from "@/lib/format/article";

/** One sentence at the top that tells a tired engineer where the run stands and who must act. */
export function StatusBanner({
  run,
  current,
  viewer,
}: {
  run: RunView;
  current: RunStepView | null;
  viewer: { id: string; role: Role };
}) {
  const message = bannerText(run, current, viewer);
  if (!message) return null;
  // A run that ended without doing its job can be started again, its inputs filled in from this one.
  const restart = (run.status === "refused" || run.status === "cancelled") && hasRole(viewer.role, "responder");
  return (
    <div className={`alert ${message.tone}`} role="status" data-testid="run-banner">
      {message.text}
      {restart ? (
        <>
          {" "}
          <Link prefetch={false} href={`/runbooks/${run.runbook.id}/start?from=${run.id}`} data-testid="start-again">
            Start again with these inputs
          </Link>
        </>
      ) : null}
    </div>
  );
}

function bannerText(
  run: RunView,
  current: RunStepView | null,
  viewer: { id: string },
): { tone: "ok" | "warn" | "error" | "info"; text: string } | null {
  switch (run.status) {
    case "succeeded":
      return { tone: "ok", text: "This run finished: every step is done." };
    case "cancelled":
      return { tone: "info", text: `This run was cancelled${run.abortReason ? `: ${run.abortReason}` : ""}.` };
    case "refused":
      return {
        tone: "info",
        text: `An approver refused this run${run.abortReason ? ` (${run.abortReason})` : ""}. Nothing more runs. Change the inputs and start again if the change is still needed.`,
      };
    case "queued": {
      const holder = run.locks.waitingBehind[0];
      return {
        tone: "warn",
        text: holder
          ? `Waiting in line: ${holder.key} is held by run ${holder.runNumber} (started by ${holder.startedBy}). This run starts by itself when it ends.`
          : "Waiting for a resource lock.",
      };
    }
    case "aborting":
      return { tone: "warn", text: "Aborting: undoing completed steps, newest first." };
    case "waiting_approval": {
      if (!current) return null;
      const missing = (current.approvalsRequired ?? 1) - current.approvalsNow;
      const who =
        run.startedBy?.id === viewer.id
          ? "someone other than you"
          : `someone other than ${run.startedBy?.email ?? "the requester"}`;
      return {
        tone: "warn",
        text: `Waiting for ${missing} more approval${missing === 1 ? "" : "s"} from ${withArticle(current.approvalRole ?? "lead")} (${who}).`,
      };
    }
    case "waiting_operator":
      if (!current) return null;
      if (current.kind === "action")
        return { tone: "info", text: `Review the plan of "${current.title}", then execute it.` };
      if (current.kind === "check")
        return {
          tone: "warn",
          text: `Keel could not verify "${current.title}" by itself: check it by hand, then confirm what you saw.`,
        };
      return { tone: "info", text: `Do "${current.title}", then mark it done.` };
    case "failed":
      if (!current) return null;
      // An approval the next actions need cannot be skipped: do not send anyone to ask for it.
      return {
        tone: "error",
        text: `"${current.title}" failed: ${(current.error ?? "see its output").replace(/[.\s]+$/, "")}. ${current.kind === "approval" && current.neededBy.length > 0 ? "Retry it or abort the run." : "Retry it, ask a lead to skip it, or abort the run."}`,
      };
    case "interrupted":
      return current
        ? {
            tone: "error",
            text: `"${current.title}" was interrupted: its worker stopped before finishing. Retry resumes it safely (an effect already applied is not applied twice), or skip or abort.`,
          }
        : null;
    default:
      return null;
  }
}
