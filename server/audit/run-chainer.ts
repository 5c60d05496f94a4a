import type { Database } from "@/db/client";
import { getLogger } from "../observability/logger";
import { startPeriodic } from "../engine/periodic";
import { hasUnlinkedAuditEvents, linkPendingAuditEvents } from "./chainer";
import { auditSigner } from "./keys";
import { chainTip, compareWithCheckpoint, newestCheckpoint, writeCheckpoint, type Checkpoint } from "./witness";

export const AUDIT_CHAIN_TIMING = {
  /** How often the chainer looks for committed rows to link. */
  linkEveryMs: 250,
  /** How often a signed checkpoint goes to the witness files. */
  checkpointEveryMs: 60_000,
};

/**
 * This process's part in keeping the chain: a chainer pass every `linkEveryMs` (one instance at
 * a time does the work), and a witness checkpoint every `checkpointEveryMs` and at stop. A tip
 * that no longer reaches the newest checkpoint in the witness files is never witnessed: it is
 * logged as an error instead. Returns the stop function, which links what is left and writes a last checkpoint.
 */
export function startAuditChain(
  db: Database,
  witnessFiles: string[],
  timing = AUDIT_CHAIN_TIMING,
): () => Promise<void> {
  const log = getLogger();
  const refusedLogged = new Set<number>();
  let lastError = "";
  // A persistent failure is logged when it starts or changes, not four times a second.
  const onLinkError = (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== lastError) log.error({ err: error }, "audit chainer pass failed");
    lastError = message;
  };
  // The newest checkpoint already witnessed, by this process or an earlier one: never witness a chain that does not reach it.
  let last: Checkpoint | null =
    witnessFiles.length > 0 ? newestCheckpoint(witnessFiles, auditSigner()).checkpoint : null;
  const link = async () => {
    for (;;) {
      if (!(await hasUnlinkedAuditEvents(db))) return;
      const pass = await linkPendingAuditEvents(db);
      lastError = "";
      for (const seq of pass?.refused ?? []) {
        if (refusedLogged.has(seq)) continue;
        refusedLogged.add(seq);
        log.error(
          { seq },
          "audit row carries no valid Keel signature: it was inserted outside Keel; it is left out of the chain",
        );
      }
      if (!pass?.more) return;
    }
  };
  const checkpoint = async () => {
    if (witnessFiles.length === 0) return;
    if (last) {
      const problem = await compareWithCheckpoint(db, last);
      if (problem) {
        log.error(
          { seq: problem.brokenSeq },
          `audit chain no longer reaches the last witnessed checkpoint: ${problem.problem}`,
        );
        return;
      }
    }
    last = writeCheckpoint(auditSigner(), witnessFiles, await chainTip(db));
  };
  const stopLinking = startPeriodic(link, { everyMs: timing.linkEveryMs, onError: onLinkError });
  const stopCheckpoints = startPeriodic(checkpoint, {
    everyMs: timing.checkpointEveryMs,
    firstAfterMs: timing.checkpointEveryMs,
    onError: (error) => log.error({ err: error }, "audit checkpoint failed"),
  });
  return async () => {
    // A pass still running would hold the chainer's lock: the last pass below would find it busy
    // and the last checkpoint would miss what that pass links.
    await Promise.all([stopLinking(), stopCheckpoints()]);
    await link().catch(onLinkError);
    await checkpoint().catch((error: unknown) => log.error({ err: error }, "audit checkpoint failed"));
  };
}
