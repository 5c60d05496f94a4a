import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Queryable } from "@/db/client";
import { appendAuditEvent } from "../audit/append";
import type { Actor } from "../audit/actor";
import { readSetting, writeSetting } from "../settings";
import { syncFileTargets, type SyncSummary } from "./commands";
import { readTargetsFile } from "./targets-file";

const SETTING = "targets-file";

/** What the last start made of the targets file; admins see it on the Targets page. */
export type TargetsFileStatus = {
  path: string;
  found: boolean;
  /** One line each, `path: kind[index].field: message`; empty when the file applied. */
  problems: string[];
  /** Whether the file's targets were applied (false when it had problems: the previous ones stay). */
  applied: boolean;
  checkedAt: string;
  hash: string | null;
};

export type TargetsFileResult = TargetsFileStatus & { sync: SyncSummary | null };

/**
 * Reads the targets file and makes the file targets match it. A file with any problem changes
 * nothing: a typo must not remove a target an incident depends on; the previous targets stay
 * until it is fixed, like a runbook file's last valid version. Its problems are audited once per content.
 */
export async function loadTargetsFile(db: Queryable, actor: Actor, path: string): Promise<TargetsFileResult> {
  const found = existsSync(path);
  const hash = found ? createHash("sha256").update(readFileSync(path)).digest("hex") : null;
  const { entries, problems: fileProblems } = readTargetsFile(path);
  const previous = await readSetting<TargetsFileStatus>(db, SETTING);
  let sync: SyncSummary | null = null;
  const problems = [...fileProblems];
  if (problems.length === 0) {
    sync = await syncFileTargets(db, actor, entries);
    problems.push(...sync.conflicts.map((conflict) => `${path}: ${conflict}`));
  }
  const status: TargetsFileStatus = {
    path,
    found,
    problems,
    applied: fileProblems.length === 0,
    checkedAt: new Date().toISOString(),
    hash,
  };
  await db.transaction(async (tx) => {
    await writeSetting(tx, SETTING, status);
    const alreadyRecorded = previous?.hash === hash && previous.problems.length > 0;
    if (problems.length > 0 && !alreadyRecorded) {
      await appendAuditEvent(tx, actor, {
        eventType: "targets_file.invalid",
        outcome: "failure",
        entityType: "targets-file",
        entityId: path,
        meta: { path, hash, applied: status.applied, problemCount: problems.length, problems: problems.slice(0, 20) },
      });
    }
  });
  return { ...status, sync };
}

export async function targetsFileStatus(db: Queryable): Promise<TargetsFileStatus | null> {
  return readSetting<TargetsFileStatus>(db, SETTING);
}
