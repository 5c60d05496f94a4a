import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json";

export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit row that its hash or signature covers. */
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

/**
 * Rows written before signing began: hash = hex(SHA-256(prev_hash ‖ canonical JSON of the
 * record)), each row linking the one before it by sequence number.
 */
export function chainHash(prevHash: string, record: ChainedRecord): string {
  return sha256(prevHash + canonicalJson(record));
}

/**
 * What Keel signs for a row: everything but seq (the database draws seq when the row is
 * inserted; the chain entry binds seq to the row), plus the signing key's id.
 */
export function rowMessage(record: ChainedRecord, keyId: string): string {
  const { seq: _seq, ...content } = record;
  return `keel-audit-row-v1\n${canonicalJson({ ...content, keyId })}`;
}

/** hash of chain entry `pos` = hex(SHA-256(prev_hash ‖ pos ‖ event_seq ‖ the row's digest, SHA-256 of its row message)). */
export function linkHash(prevHash: string, pos: number, eventSeq: number, rowDigest: string): string {
  return sha256(`${prevHash}\n${pos}\n${eventSeq}\n${rowDigest}`);
}

/** What Keel signs for the last chain entry of a batch. */
export function linkMessage(pos: number, eventSeq: number, hash: string): string {
  return `keel-audit-link-v1\n${pos}\n${eventSeq}\n${hash}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
