import { and, asc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { allowlistEntries, type AllowlistEntry } from "@/db/schema";
import { AppError } from "../errors";
import { getTargetConfig } from "../targets/catalog";
import { covers, normaliseCidr, type NormalisedCidr } from "./cidr";
import { AllowlistFieldError } from "./errors";
import { sinkFor } from "./sinks";
import type { AllowlistSink } from "./sinks/sink";
import type { AllowlistConfig } from "./target-kind";

/**
 * True when the address is in a live entry (not removed, not expired) of any allowlist. For the
 * rate limiter: one indexed query, with PostgreSQL doing the range match.
 */
export async function isAllowlisted(db: Queryable, ip: string, now: Date = new Date()): Promise<boolean> {
  const address = normaliseCidr(ip);
  if (!address || address.prefixLength !== (address.family === "ipv4" ? 32 : 128)) return false;
  const [row] = await db
    .select({ id: allowlistEntries.id })
    .from(allowlistEntries)
    .where(
      and(
        isNull(allowlistEntries.removedAt),
        gt(allowlistEntries.expiresAt, now),
        sql`(${allowlistEntries.cidr})::cidr >>= (${address.address})::inet`,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** The entries of one allowlist that are in effect now. */
export async function liveEntries(db: Queryable, allowlist: string, now: Date = new Date()): Promise<AllowlistEntry[]> {
  return db
    .select()
    .from(allowlistEntries)
    .where(
      and(
        eq(allowlistEntries.allowlist, allowlist),
        isNull(allowlistEntries.removedAt),
        gt(allowlistEntries.expiresAt, now),
      ),
    )
    .orderBy(asc(allowlistEntries.createdAt));
}

/** Entries whose time is up but which are still in their sinks: the expiry sweep's work. */
export async function expiredEntries(db: Queryable, now: Date): Promise<AllowlistEntry[]> {
  return db
    .select()
    .from(allowlistEntries)
    .where(and(isNull(allowlistEntries.removedAt), lte(allowlistEntries.expiresAt, now)))
    .orderBy(asc(allowlistEntries.expiresAt));
}

export async function findEntry(db: Queryable, id: string): Promise<AllowlistEntry | null> {
  const [row] = await db.select().from(allowlistEntries).where(eq(allowlistEntries.id, id));
  return row ?? null;
}

/** A live entry of the allowlist that already contains every address of `range`, if any. */
export function coveringEntry(
  entries: AllowlistEntry[],
  range: NormalisedCidr,
  exceptId?: string,
): AllowlistEntry | null {
  for (const entry of entries) {
    if (entry.id === exceptId) continue;
    const existing = normaliseCidr(entry.cidr);
    if (existing && covers(existing, range)) return entry;
  }
  return null;
}

export function describeEntry(entry: Pick<AllowlistEntry, "id" | "cidr" | "reason" | "expiresAt">): string {
  return `entry ${entry.id} (${entry.cidr}, reason "${entry.reason}", expires ${entry.expiresAt.toISOString()})`;
}

/** The range as a field of an action's input: normalised, or an error naming the field. */
export function requireCidr(value: string, field = "cidr"): NormalisedCidr {
  const range = normaliseCidr(value);
  if (!range) throw new AllowlistFieldError(field, `"${value}" is not an IPv4 or IPv6 address or CIDR range.`);
  return range;
}

export type LoadedAllowlist = { name: string; config: AllowlistConfig; sinks: AllowlistSink[] };

/** The configured allowlist and its sinks; an unknown or misconfigured one is an error naming the field. */
export async function loadAllowlist(db: Queryable, name: string, field = "allowlist"): Promise<LoadedAllowlist> {
  try {
    const target = await getTargetConfig<AllowlistConfig>(db, "allowlist", name, field);
    return { name: target.name, config: target.config, sinks: target.config.sinks.map(sinkFor) };
  } catch (error) {
    if (error instanceof AppError) throw new AllowlistFieldError(field, error.message);
    throw error;
  }
}
