import { and, eq, gte, like, lt, or, sql, type SQL } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import { hasRole, type Role } from "@/lib/roles";
import type { HistoryFilters } from "@/lib/schemas/history";
import { AppError } from "../errors";

/** Who is looking: the query hides what they may not see. */
export type HistoryViewer = { id: string; role: Role };

/**
 * Sign-in and session events (auth.signed_in, auth.sign_in_failed, auth.signed_out,
 * session.revoked). Leads and admins see everyone's; others only their own.
 */
export const SIGN_IN_EVENT_PREFIXES = ["auth.", "session."] as const;

export function canSeeOthersSignIns(role: Role): boolean {
  return hasRole(role, "lead");
}

/** The visibility rule, in the query itself (DESIGN invariant 5: the server enforces it). */
export function visibilityCondition(viewer: HistoryViewer): SQL | undefined {
  if (canSeeOthersSignIns(viewer.role)) return undefined;
  const isSignIn = or(...SIGN_IN_EVENT_PREFIXES.map((prefix) => like(auditEvents.eventType, `${prefix}%`)))!;
  return or(
    sql`not (${isSignIn})`,
    eq(auditEvents.actorUserId, viewer.id),
    and(eq(auditEvents.entityType, "user"), eq(auditEvents.entityId, viewer.id)),
  )!;
}

/**
 * Words to a prefix tsquery: each word (stripped of tsquery operators) must match the start of
 * a lexeme. `'zebra':* & 'run':*`. Quoted so the text-search parser splits it as it split the
 * document.
 */
export function toPrefixTsQuery(text: string): string {
  const words = text
    .split(/\s+/)
    .map((word) => word.replace(/['\\:&|!()<>*\u0000]/g, "").trim())
    .filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (words.length === 0) throw AppError.field("q", "Search for at least one word with a letter or digit");
  return words
    .slice(0, 12)
    .map((word) => `'${word.toLowerCase()}':*`)
    .join(" & ");
}

export function filterConditions(filters: HistoryFilters): SQL[] {
  const conditions: SQL[] = [];
  if (filters.actor)
    conditions.push(
      eq(auditEvents.actorLabel, filters.actor.toLowerCase() === "system" ? "system" : filters.actor.toLowerCase()),
    );
  if (filters.eventType) {
    conditions.push(
      filters.eventType.endsWith("*")
        ? like(auditEvents.eventType, `${filters.eventType.slice(0, -1).replace(/_/g, "\\_")}%`)
        : eq(auditEvents.eventType, filters.eventType),
    );
  }
  if (filters.entityType) conditions.push(eq(auditEvents.entityType, filters.entityType));
  if (filters.entityId) conditions.push(eq(auditEvents.entityId, filters.entityId));
  if (filters.outcome) conditions.push(eq(auditEvents.outcome, filters.outcome));
  if (filters.from) conditions.push(gte(auditEvents.createdAt, new Date(filters.from)));
  if (filters.to) conditions.push(lt(auditEvents.createdAt, new Date(filters.to)));
  if (filters.q)
    conditions.push(
      sql`${auditEvents.searchDocument} @@ to_tsquery('simple'::regconfig, ${toPrefixTsQuery(filters.q)})`,
    );
  return conditions;
}

/** Everything a viewer's filtered view is limited by, below an optional sequence number. */
export function viewConditions(viewer: HistoryViewer, filters: HistoryFilters, below?: number | null): SQL | undefined {
  const conditions = [...filterConditions(filters)];
  const visible = visibilityCondition(viewer);
  if (visible) conditions.push(visible);
  if (below != null) conditions.push(lt(auditEvents.seq, below));
  return conditions.length > 0 ? and(...conditions) : undefined;
}
