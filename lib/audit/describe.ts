import { describeIncidentEvent } from "@/lib/incidents/describe";

/** Plain-language descriptions of audit events, for every timeline and history view. */
type Described = { eventType: string; outcome: string; actorLabel: string; eventMeta: Record<string, unknown> };

const SIGN_IN_FAILURE_REASONS: Record<string, string> = {
  malformed: "malformed request",
  unknown_account: "unknown account",
  no_password: "account has no password",
  wrong_password: "wrong password",
  disabled: "account disabled",
  not_provisioned: "no Keel account for this identity",
};

export function describeAuditEvent(event: Described): string {
  const m = event.eventMeta;
  const str = (key: string) => (typeof m[key] === "string" ? (m[key] as string) : "");
  switch (event.eventType) {
    case "auth.signed_in":
      return `Signed in (${str("method") === "oidc" ? "single sign-on" : "password"})`;
    case "auth.sign_in_failed":
      return `Failed sign-in: ${SIGN_IN_FAILURE_REASONS[str("reason")] ?? str("reason")}`;
    case "auth.signed_out":
      return "Signed out";
    case "session.revoked":
      return `Ended a session (${str("reason").replaceAll("_", " ")})`;
    case "user.created":
      return m.initialAdmin
        ? `Initial admin ${str("email")} created`
        : `Created user ${str("email")} as ${str("role")}`;
    case "user.role_changed":
      return `Changed the role of ${str("email")} from ${str("from")} to ${str("to")}`;
    case "user.disabled":
      return `Disabled ${str("email")}`;
    case "user.enabled":
      return `Enabled ${str("email")}`;
    case "user.password_reset":
      return `Reset the password of ${str("email")}`;
    case "user.password_changed":
      return m.firstSignIn ? "Replaced the one-time password" : "Changed password";
    case "user.password_change_refused":
      return "Password change refused: wrong current password";
    case "audit.exported": {
      const filters = Object.entries((m.filters as Record<string, unknown>) ?? {}).map(([k, v]) => `${k} ${String(v)}`);
      return `Exported the history as ${str("format").toUpperCase()}${filters.length > 0 ? ` (${filters.join(", ")})` : " (everything)"}`;
    }
    case "audit.export_completed":
      return event.outcome === "success"
        ? `History export finished: ${String(m.rows)} rows`
        : `History export stopped after ${String(m.rows)} rows: ${str("reason")}`;
    case "runbook.loaded":
      return `Loaded version ${String(m.version)} of runbook file ${str("file")}`;
    case "runbook.load_failed":
      return `Runbook file ${str("file")} did not load (${String(m.problemCount)} problem${m.problemCount === 1 ? "" : "s"})`;
    default:
      return (
        describeRunEvent(event.eventType, m, str) ??
        describeIncidentEvent(event.eventType, m) ??
        event.eventType.replaceAll(".", " ").replaceAll("_", " ")
      );
  }
}

/** Run and step events: "Step apply-entry executed (attempt 2)". */
function describeRunEvent(type: string, m: Record<string, unknown>, str: (key: string) => string): string | null {
  const step = str("stepId");
  const attempt = typeof m.attempt === "number" && m.attempt > 1 ? ` (attempt ${m.attempt})` : "";
  switch (type) {
    case "run.started":
      return `Started run ${String(m.runNumber ?? "")} of ${str("runbookId")} (version ${String(m.version ?? "?")})`;
    case "run.inputs_refused":
      return `Start of ${str("runbookId")} refused: invalid ${Object.keys((m.fields as object) ?? {}).join(", ")}`;
    case "run.start_refused":
      return `Start of ${str("runbookId")} refused: ${str("reason")}`;
    case "run.lock_acquired":
      return "Took its locks and started";
    case "run.succeeded":
      return "Run finished";
    case "run.abort_requested":
      return `Abort requested: ${str("reason")}`;
    case "run.cancelled":
      return "Run ended: cancelled";
    case "run.refused":
      return "Run ended: refused by an approver";
    case "run.command_refused":
      return `Refused ${str("command")}${step ? ` on ${step}` : ""}: ${str("reason")}`;
    case "step.confirmed":
      return `Marked ${step} done`;
    case "step.planned":
      return `Planned ${step}${attempt}`;
    case "step.plan_failed":
      return `Could not plan ${step}: ${str("error")}`;
    case "step.execution_requested":
      return `Asked to execute ${step}${attempt}`;
    case "step.started":
      return `About to ${m.phase === "check" ? "run check" : "execute"} ${step}${attempt}`;
    case "step.succeeded":
      return `${step} succeeded${attempt}`;
    case "step.failed":
      return `${step} failed${attempt}: ${str("error")}`;
    case "step.needs_confirmation":
      return `${step} verified nothing by itself; it waits for a person to check by hand: ${str("reason")}`;
    case "step.interrupted":
      return `${step} interrupted: ${str("reason")}`;
    case "step.resumed":
      return `Resumed ${step}${attempt}`;
    case "step.retried":
      return `Retried ${step}${attempt}`;
    case "step.skipped":
      return `Skipped ${step}: ${str("reason")}`;
    case "step.not_applicable":
      return `${step} not needed (its condition is false)`;
    case "approval.requested":
      return `Approval requested for ${step}`;
    case "approval.given":
      return `Approved ${step} (${String(m.count ?? 1)} of ${String(m.required ?? 1)})`;
    case "approval.refused":
      return `Refused ${step}: ${str("comment")}`;
    case "approval.voided":
      return `Approval of ${step} voided: ${str("reason")}`;
    case "compensation.started":
      return `Undoing ${step}`;
    case "compensation.succeeded":
      return `Undid ${step}`;
    case "compensation.failed":
      return `Undo of ${step} failed: ${str("error")}`;
    case "compensation.retried":
      return `Retried undo of ${step}`;
    case "compensation.skipped":
      return `Skipped undo of ${step}: ${str("reason")}`;
    default:
      return null;
  }
}
