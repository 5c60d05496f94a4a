import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { auditChain, auditChainHead } from "@/db/schema";
import { canonicalJson } from "./canonical-json";
import type { AuditSigner, AuditVerifier } from "./signing";

/**
 * The witness: signed checkpoints of the chain's tip kept outside the database, one JSON line
 * each in append-only files. Someone who can rewrite the database cannot rewrite these, so a
 * chain cut back or restored from an older backup no longer reaches the newest checkpoint.
 */
export type Checkpoint = { v: 1; pos: number; seq: number; hash: string; at: string; keyId: string; signature: string };

export const WITNESS_FILE_NAME = "audit-witness.ndjson";

/** Where checkpoints go: the data directory, and KEEL_AUDIT_WITNESS_DIR when set. */
export function witnessFiles(dataDir: string, extraDir?: string): string[] {
  return [
    path.join(path.resolve(dataDir), WITNESS_FILE_NAME),
    ...(extraDir ? [path.join(path.resolve(extraDir), WITNESS_FILE_NAME)] : []),
  ];
}

function checkpointMessage(c: Omit<Checkpoint, "signature">): string {
  return `keel-audit-checkpoint-v1\n${canonicalJson(c)}`;
}

/** The chain's tip as the database holds it now: position, hash and the row it links. */
export async function chainTip(db: Queryable): Promise<{ pos: number; seq: number; hash: string }> {
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  if (!head) throw new Error("the audit chain head is missing; migrations have not been applied");
  const pos = Number(head.seq);
  const [entry] = await db.select({ seq: auditChain.eventSeq }).from(auditChain).where(eq(auditChain.pos, pos));
  return { pos, seq: entry ? Number(entry.seq) : pos, hash: head.hash };
}

/** Signs a checkpoint of `tip` and appends it to every witness file. */
export function writeCheckpoint(
  signer: AuditSigner,
  files: string[],
  tip: { pos: number; seq: number; hash: string },
  at = new Date(),
): Checkpoint {
  const body = { v: 1 as const, ...tip, at: at.toISOString(), keyId: signer.current.keyId };
  const checkpoint: Checkpoint = { ...body, signature: signer.sign(checkpointMessage(body)) };
  for (const file of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  }
  return checkpoint;
}

/** The newest validly signed checkpoint across the files (lines that do not verify are counted, not believed). */
export function newestCheckpoint(
  files: string[],
  verifier: AuditVerifier,
): { checkpoint: Checkpoint | null; file: string | null; unreadable: number } {
  let best: Checkpoint | null = null;
  let bestFile: string | null = null;
  let unreadable = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      try {
        const { signature, ...body } = JSON.parse(line) as Checkpoint;
        if (!verifier.verify(body.keyId, checkpointMessage(body), signature)) throw new Error("bad signature");
        if (!best || body.pos > best.pos) {
          best = { ...body, signature };
          bestFile = file;
        }
      } catch {
        unreadable++;
      }
    }
  }
  return { checkpoint: best, file: bestFile, unreadable };
}

/** Whether the database's chain still reaches `checkpoint` with the same hash; the problem, or null. */
export async function compareWithCheckpoint(
  db: Queryable,
  checkpoint: Checkpoint,
): Promise<{ brokenSeq: number; problem: string } | null> {
  const [entry] = await db.select().from(auditChain).where(eq(auditChain.pos, checkpoint.pos));
  const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
  const legacyTip = !entry && head && Number(head.seq) === checkpoint.pos && head.hash === checkpoint.hash;
  if (legacyTip) return null;
  if (!entry) {
    const tip = await chainTip(db);
    return {
      brokenSeq: tip.seq + 1,
      problem: `the witness recorded the chain up to sequence ${checkpoint.seq} on ${checkpoint.at}, but the database's chain ends at sequence ${tip.seq}: rows were cut from the end, or the database was restored from an older backup (a rollback)`,
    };
  }
  if (entry.hash !== checkpoint.hash) {
    return {
      brokenSeq: checkpoint.seq,
      problem: `the chain at sequence ${checkpoint.seq} differs from what the witness recorded on ${checkpoint.at}: the chain was rewritten`,
    };
  }
  return null;
}
