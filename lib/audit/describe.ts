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
      return m.initialAdmin ? `Initial admin ${str("email")} created` : `Created user ${str("email")} as ${str("role")}`;
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
    case "runbook.loaded":
      return `Loaded version ${String(m.version)} of runbook file ${str("file")}`;
    case "runbook.load_failed":
      return `Runbook file ${str("file")} did not load (${String(m.problemCount)} problem${m.problemCount === 1 ? "" : "s"})`;
    default:
      return event.eventType.replaceAll(".", " ").replaceAll("_", " ");
  }
}
