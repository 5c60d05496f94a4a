import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { AllowlistEntry } from "@/db/schema";
import { allowlistEntries } from "@/db/schema";
import { appendAuditEvent } from "../../audit/append";
import type { ActionDefinition, StepContext } from "../../engine/actions/types";
import { describeEntry, liveEntries, loadAllowlist, requireCidr, type LoadedAllowlist } from "../entries";
import type { SinkEntry } from "../entry";
import { AllowlistFieldError } from "../errors";
import { recordRefusal } from "../refusals";
import { runFacts } from "../run-facts";
import { allSinks, sinkContextOf } from "../step-sink-context";
import { allowlistName, cidrText, reasonText } from "./inputs";

const input = z.strictObject({ allowlist: allowlistName, cidr: cidrText, reason: reasonText });
type RemoveInput = z.infer<typeof input>;

/**
 * The entry to remove: the live one with exactly this range, or the one this run already removed
 * (when the step is executed again after a crash, it finishes the job instead of failing).
 */
async function targetEntry(
  value: RemoveInput,
  context: StepContext,
): Promise<{ allowlist: LoadedAllowlist; entry: AllowlistEntry }> {
  const range = requireCidr(value.cidr);
  const allowlist = await loadAllowlist(context.db, value.allowlist);
  const live = await liveEntries(context.db, allowlist.name);
  const match = live.find((e) => e.cidr === range.cidr);
  if (match) return { allowlist, entry: match };
  const [removedHere] = await context.db
    .select()
    .from(allowlistEntries)
    .where(
      and(
        eq(allowlistEntries.allowlist, allowlist.name),
        eq(allowlistEntries.cidr, range.cidr),
        eq(allowlistEntries.removedByRunId, context.runId),
      ),
    );
  if (removedHere) return { allowlist, entry: removedHere };
  const known =
    live.length === 0
      ? "it has no live entries"
      : `its live entries are ${live
          .slice(0, 10)
          .map((e) => e.cidr)
          .join(", ")}${live.length > 10 ? ", …" : ""}`;
  const reason = `"${allowlist.name}" has no live entry for ${range.cidr} (${known}).`;
  const facts = await runFacts(context.db, context.runId, context.stepId);
  await recordRefusal(context.db, facts.actor, "allowlist.remove_refused", allowlist.name, {
    field: "cidr",
    cidr: range.cidr,
    reason,
    runId: context.runId,
  });
  throw new AllowlistFieldError("cidr", reason);
}

function sinkEntryOf(entry: AllowlistEntry): SinkEntry {
  return { id: entry.id, cidr: entry.cidr, comment: "", expiresAt: entry.expiresAt };
}

/** Removes an entry early, everywhere: every sink first, then Keel's record (with the reason). */
export const removeAllowlistEntryAction: ActionDefinition<RemoveInput> = {
  name: "allowlist.remove",
  title: "Remove from an allowlist",
  description:
    "Removes a live allowlist entry from every sink of its allowlist before it expires, and records who removed it and why.",
  input,
  async plan(value, context) {
    const { allowlist, entry } = await targetEntry(value, context);
    const changes = [];
    for (const sink of allowlist.sinks) changes.push(await sink.planRemove(sinkEntryOf(entry), sinkContextOf(context)));
    changes.unshift({
      target: `Keel allowlist "${allowlist.name}"`,
      description: entry.removedAt
        ? "Already marked removed by this run; nothing changes."
        : "Mark the entry removed, with who removed it and why.",
      before: `${describeEntry(entry)}`,
      after: `removed: "${value.reason}"`,
    });
    return {
      summary: `Remove ${entry.cidr} from "${allowlist.name}" now (it would expire at ${entry.expiresAt.toISOString()}).`,
      changes,
    };
  },
  async execute(value, context) {
    const { allowlist, entry } = await targetEntry(value, context);
    // Sinks first: while Keel still lists the entry as live, a failure here leaves it to be retried or to expire.
    for (const sink of allowlist.sinks) await sink.remove(entry.id, sinkContextOf(context));
    const facts = await runFacts(context.db, context.runId, context.stepId);
    await context.db.transaction(async (tx) => {
      const updated = await tx
        .update(allowlistEntries)
        .set({
          removedAt: new Date(),
          removedBy: facts.userId,
          removedByRunId: context.runId,
          removalReason: value.reason,
        })
        .where(and(eq(allowlistEntries.id, entry.id), isNull(allowlistEntries.removedAt)))
        .returning({ id: allowlistEntries.id });
      if (updated.length === 0) return;
      await appendAuditEvent(tx, facts.actor, {
        eventType: "allowlist.removed",
        outcome: "success",
        entityType: "allowlist",
        entityId: allowlist.name,
        meta: {
          entryId: entry.id,
          allowlist: allowlist.name,
          cidr: entry.cidr,
          reason: value.reason,
          expiresAt: entry.expiresAt.toISOString(),
          runId: context.runId,
          sinks: allowlist.sinks.map((s) => s.label),
        },
      });
    });
    return {
      summary: `Removed ${entry.cidr} from "${allowlist.name}" (${allowlist.sinks.length} sink${allowlist.sinks.length === 1 ? "" : "s"}).`,
      output: { entryId: entry.id, allowlist: allowlist.name, cidr: entry.cidr },
    };
  },
  async verify(value, context, result) {
    const entryId = String(result.output?.entryId ?? "");
    const allowlist = await loadAllowlist(context.db, value.allowlist);
    const [record] = await context.db.select().from(allowlistEntries).where(eq(allowlistEntries.id, entryId));
    const problems: string[] = [];
    if (!record?.removedAt) problems.push("Keel's record still lists the entry as live");
    for (const sink of allowlist.sinks) {
      if ((await sink.list(sinkContextOf(context))).some((e) => e.id === entryId))
        problems.push(`${sink.label} still holds it`);
    }
    if (problems.length) return { ok: false, summary: problems.join("; ") };
    return {
      ok: true,
      summary: `${record!.cidr} is gone from ${allSinks(allowlist.sinks.length)} of "${allowlist.name}" and marked removed in Keel's record.`,
    };
  },
};
