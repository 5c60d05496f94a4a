import type { Role } from "@/lib/roles";
import type { RunStepView, RunView } from "@/lib/trpc/outputs";

/** One sentence at the top that tells a tired engineer where the run stands and who must act. */
export function StatusBanner({ run, current, viewer }: { run: RunView; current: RunStepView | null; viewer: { id: string; role: Role } }) {
  const message = bannerText(run, current, viewer);
  if (!message) return null;
  return (
    <div className={`alert ${message.tone}`} role="status" data-testid="run-banner">
      {message.text}
    </div>
  );
}

function bannerText(run: RunView, current: RunStepView | null, viewer: { id: string }): { tone: "ok" | "warn" | "error" | "info"; text: string } | null {
  switch (run.status) {
    case "succeeded":
      return { tone: "ok", text: "This run finished: every step is done." };
    case "cancelled":
      return { tone: "info", text: `This run was aborted${run.abortReason ? `: ${run.abortReason}` : ""}.` };
    case "queued": {
      const holder = run.locks.waitingBehind[0];
      return { tone: "warn", text: holder ? `Waiting in line: ${holder.key} is held by run ${holder.runNumber} (started by ${holder.startedBy}). This run starts by itself when it ends.` : "Waiting for a resource lock." };
    }
    case "aborting":
      return { tone: "warn", text: "Aborting: undoing completed steps, newest first." };
    case "waiting_approval": {
      if (!current) return null;
      const missing = (current.approvalsRequired ?? 1) - current.approvalsNow;
      const who = run.startedBy?.id === viewer.id ? "someone other than you" : `someone other than ${run.startedBy?.email ?? "the requester"}`;
      return { tone: "warn", text: `Waiting for ${missing} more approval${missing === 1 ? "" : "s"} from a ${current.approvalRole} (${who}).` };
    }
    case "waiting_operator":
      return current ? { tone: "info", text: current.kind === "action" ? `Review the plan of "${current.title}", then execute it.` : `Do "${current.title}", then mark it done.` } : null;
    case "failed":
      return current ? { tone: "error", text: `"${current.title}" failed: ${current.error ?? "see its output"}. Retry it, ask a lead to skip it, or abort the run.` } : null;
    case "interrupted":
      return current
        ? { tone: "error", text: `"${current.title}" was interrupted: its worker stopped before finishing. Retry resumes it safely (an effect already applied is not applied twice), or skip or abort.` }
        : null;
    default:
      return null;
  }
}
