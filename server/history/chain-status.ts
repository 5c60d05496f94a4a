import type { Queryable } from "@/db/client";
import { verifyAuditChainFrom, type ChainPoint } from "../audit/verify";

export type ChainStatus =
  | {
      ok: true;
      count: number;
      pending: number;
      signedFromSeq: number | null;
      checkedAt: Date;
      fullCheckAt: Date;
      mode: "full" | "incremental";
    }
  | {
      ok: false;
      count: number;
      brokenSeq: number;
      problem: string;
      checkedAt: Date;
      fullCheckAt: Date;
      mode: "full" | "incremental";
    };

type State = {
  /** The newest chain entry verified so far. */
  checkpoint: ChainPoint | null;
  result: ChainStatus | null;
  inflight: Promise<ChainStatus> | null;
  fullCheckAt: Date | null;
};

const states = new WeakMap<object, State>();

export const CHAIN_STATUS_OPTIONS = {
  /** A result younger than this is answered as is. */
  maxAgeMs: 15_000,
  /** The whole chain is walked again this often (rows already checked may be edited later by someone who bypasses the trigger). */
  fullEveryMs: 10 * 60_000,
};

/**
 * Whether the audit chain verifies, for the History banner, without re-hashing the whole trail
 * on every page view: the first check walks everything; later ones continue from the newest row
 * already verified (checking that row's hash is unchanged) up to the chain head; every
 * `fullEveryMs` the whole chain is walked again, in the background while the last answer stands
 * (or at once, awaited, with `forceFull`: a reviewer's "re-check now").
 * Concurrent callers share one pass. Per process and database.
 */
export async function chainStatus(
  db: Queryable,
  options: Partial<typeof CHAIN_STATUS_OPTIONS> & { now?: () => number; forceFull?: boolean } = {},
): Promise<ChainStatus> {
  const { maxAgeMs, fullEveryMs } = { ...CHAIN_STATUS_OPTIONS, ...options };
  const now = options.now ?? Date.now;
  let state = states.get(db);
  if (!state) {
    state = { checkpoint: null, result: null, inflight: null, fullCheckAt: null };
    states.set(db, state);
  }
  const s = state;
  const fullDue = !s.fullCheckAt || now() - s.fullCheckAt.getTime() >= fullEveryMs || options.forceFull === true;
  if (s.result && now() - s.result.checkedAt.getTime() < maxAgeMs && !fullDue) return s.result;
  if (!s.inflight) {
    s.inflight = refresh(db, s, fullDue, now).finally(() => {
      s.inflight = null;
    });
  }
  // A due full walk runs in the background while a good earlier answer stands; one asked for is awaited.
  if (fullDue && s.result?.ok && !options.forceFull) return s.result;
  return s.inflight;
}

async function refresh(db: Queryable, s: State, fullDue: boolean, now: () => number): Promise<ChainStatus> {
  const full = fullDue || !s.checkpoint || !s.result?.ok;
  // A continued walk re-checks the checkpoint's own entry first and walks everything when it changed.
  const verified = await verifyAuditChainFrom(db, full ? null : s.checkpoint, { now: new Date(now()) });
  const checkedAt = new Date(now());
  if (full) s.fullCheckAt = checkedAt;
  const fullCheckAt = s.fullCheckAt ?? checkedAt;
  const mode = full ? "full" : "incremental";
  const result: ChainStatus = verified.ok
    ? {
        ok: true,
        count: verified.count,
        pending: verified.pending,
        signedFromSeq: verified.signedFromSeq,
        checkedAt,
        fullCheckAt,
        mode,
      }
    : {
        ok: false,
        count: verified.count,
        brokenSeq: verified.brokenSeq,
        problem: verified.problem,
        checkedAt,
        fullCheckAt,
        mode,
      };
  s.checkpoint = verified.ok ? (verified.tip ?? s.checkpoint) : null;
  s.result = result;
  return result;
}

/** Forgets what was verified (tests; after a restore). */
export function resetChainStatus(db: Queryable): void {
  states.delete(db);
}
