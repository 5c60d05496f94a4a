/** How an audited action ended; shared by the schema, History's filters and their validation. */
export const AUDIT_OUTCOMES = ["success", "failure", "refused", "intent"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
