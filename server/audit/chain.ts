import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json";

export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit row that its hash covers: everything but the hashes themselves. */
export type ChainedRecord = {
  seq: number;
  id: string;
  eventType: string;
  actorUserId: string | null;
  actorLabel: string;
  sessionId: string | null;
  requestMeta: Record<string, unknown>;
  eventMeta: Record<string, unknown>;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  /** ISO 8601 with milliseconds, UTC. */
  createdAt: string;
};

/** hash = hex(SHA-256(prev_hash ‖ canonical JSON of the record)). */
export function chainHash(prevHash: string, record: ChainedRecord): string {
  return createHash("sha256").update(prevHash).update(canonicalJson(record)).digest("hex");
}
