import { z } from "zod";
import { allowlistEntries, type PlannedChange } from "@/db/schema";
import { appendAuditEvent } from "../../audit/append";
import type { ActionDefinition, StepContext } from "../../engine/actions/types";
import { parseDuration } from "@/lib/runbooks/duration";
import { describeSize, isBroad, type NormalisedCidr } from "../cidr";
import {
  coveringEntry,
  describeEntry,
  findEntry,
  liveEntries,
  loadAllowlist,
  requireCidr,
  type LoadedAllowlist,
} from "../entries";
import { entryComment, entryIdFor, type SinkEntry } from "../entry";
import { AllowlistFieldError } from "../errors";
import { leadApprovedBefore } from "../lead-approval";
import { recordRefusal } from "../refusals";
import { runFacts, type RunFacts } from "../run-facts";
import { allSinks, sinkContextOf } from "../step-sink-context";
import { allowlistName, cidrText, expiresIn, reasonText } from "./inputs";

const input = z.strictObject({ allowlist: allowlistName, cidr: cidrText, reason: reasonText, expiresIn });
type AddInput = z.infer<typeof input>;

type Prepared = { allowlist: LoadedAllowlist; range: NormalisedCidr; entry: SinkEntry; facts: RunFacts };

/**
 * Everything plan and execute agree on. The expiry counts from the run's start, so the plan an
 * approver sees is exactly the line that is written, however long the approval took.
 */
async function prepare(value: AddInput, context: StepContext): Promise<Prepared> {
  const range = requireCidr(value.cidr);
  const allowlist = await loadAllowlist(context.db, value.allowlist);
  const facts = await runFacts(context.db, context.runId, context.stepId);
  const id = entryIdFor(context.runId, context.stepId);
  const expiresAt = new Date(facts.startedAt.getTime() + parseDuration(value.expiresIn)! * 1000);
  const covering = coveringEntry(await liveEntries(context.db, allowlist.name), range, id);
  if (covering) {
    const reason = `${range.cidr} is already covered by ${describeEntry(covering)}; nothing to add. Remove that entry first if it must change.`;
    await recordRefusal(context.db, facts.actor, "allowlist.add_refused", allowlist.name, {
      field: "cidr",
      cidr: range.cidr,
      reason,
      coveredBy: { id: covering.id, cidr: covering.cidr, expiresAt: covering.expiresAt.toISOString() },
      runId: context.runId,
    });
    throw new AllowlistFieldError("cidr", reason);
  }
  return {
    allowlist,
    range,
    facts,
    entry: { id, cidr: range.cidr, comment: entryComment(facts.runNumber), expiresAt },
  };
}

function keelRecordChange(prepared: Prepared, reason: string, existing: boolean): PlannedChange {
  return {
    target: `Keel allowlist "${prepared.allowlist.name}"`,
    description: existing
      ? "Keel already records this entry; nothing changes."
      : "Record the entry: the rate limiter honours it and the expiry sweep removes it everywhere when it expires.",
    before: existing
      ? `${prepared.entry.cidr} until ${prepared.entry.expiresAt.toISOString()}`
      : `(no entry for ${prepared.entry.cidr})`,
    after: `${prepared.entry.cidr} until ${prepared.entry.expiresAt.toISOString()}, reason "${reason}"`,
  };
}

/** Adds an address or range to an allowlist: Keel's record first, then every sink. */
export const addAllowlistEntryAction: ActionDefinition<AddInput> = {
  name: "allowlist.add",
  title: "Add to an allowlist",
  description:
    "Records an allowlist entry with a reason and an expiry, then adds it to every sink of the allowlist (nginx include file, WAF API).",
  input,
  async plan(value, context) {
    const prepared = await prepare(value, context);
    const existing = await findEntry(context.db, prepared.entry.id);
    const sinkChanges = [];
    for (const sink of prepared.allowlist.sinks)
      sinkChanges.push(await sink.planAdd(prepared.entry, sinkContextOf(context)));
    const warnings = [];
    if (isBroad(prepared.range))
      warnings.push(
        `${prepared.range.cidr} is a broad range (${describeSize(prepared.range)}): a lead must approve it.`,
      );
    if (prepared.entry.expiresAt.getTime() <= Date.now())
      warnings.push(
        `The entry would already have expired at ${prepared.entry.expiresAt.toISOString()}: start a new run.`,
      );
    return {
      summary: `Allow ${prepared.range.cidr} (${describeSize(prepared.range)}) in "${prepared.allowlist.name}" until ${prepared.entry.expiresAt.toISOString()}, in ${prepared.allowlist.sinks.length} sink${prepared.allowlist.sinks.length === 1 ? "" : "s"}.`,
      changes: [keelRecordChange(prepared, value.reason, Boolean(existing)), ...sinkChanges],
      ...(warnings.length ? { warnings } : {}),
    };
  },
  async execute(value, context) {
    const prepared = await prepare(value, context);
    const { entry, allowlist, facts } = prepared;
    if (entry.expiresAt.getTime() <= Date.now())
      throw new AllowlistFieldError(
        "expiresIn",
        `the entry would already have expired at ${entry.expiresAt.toISOString()} (the expiry counts from the run's start); start a new run.`,
      );
    if (isBroad(prepared.range) && !(await leadApprovedBefore(context.db, context.runId, context.stepId))) {
      throw new AllowlistFieldError(
        "cidr",
        `${entry.cidr} is a broad range (${describeSize(prepared.range)}): adding it needs a lead's approval earlier in this run, and none was given.`,
      );
    }
    const existing = await findEntry(context.db, entry.id);
    if (existing?.removedAt)
      throw new Error(
        `Entry ${entry.id} was removed at ${existing.removedAt.toISOString()} (${existing.removalReason ?? "no reason"}); start a new run to add ${entry.cidr} again.`,
      );
    // Keel's record comes first: if the process dies before the sinks are done, the sweep still knows to remove them at expiry.
    if (!existing) {
      await context.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(allowlistEntries)
          .values({
            id: entry.id,
            allowlist: allowlist.name,
            cidr: entry.cidr,
            reason: value.reason,
            expiresAt: entry.expiresAt,
            createdBy: facts.userId,
            createdByRunId: context.runId,
            createdByStepId: context.stepId,
          })
          .onConflictDoNothing()
          .returning({ id: allowlistEntries.id });
        if (inserted.length === 0) return;
        await appendAuditEvent(tx, facts.actor, {
          eventType: "allowlist.added",
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
      context.log(`Recorded entry ${entry.id}: ${entry.cidr} until ${entry.expiresAt.toISOString()}`, "info");
    } else {
      context.log(`Entry ${entry.id} is already recorded; making sure every sink has it`, "info");
    }
    const results: Record<string, string> = {};
    for (const [index, sink] of allowlist.sinks.entries()) {
      results[sink.label] = await sink.add(entry, sinkContextOf(context));
      context.progress((index + 1) / allowlist.sinks.length, `${index + 1} of ${allowlist.sinks.length} sinks`);
    }
    return {
      summary: `Allowed ${entry.cidr} in "${allowlist.name}" until ${entry.expiresAt.toISOString()} (${allowlist.sinks.length} sink${allowlist.sinks.length === 1 ? "" : "s"}).`,
      output: {
        entryId: entry.id,
        allowlist: allowlist.name,
        cidr: entry.cidr,
        expiresAt: entry.expiresAt.toISOString(),
        sinks: results,
      },
    };
  },
  async verify(value, context) {
    const id = entryIdFor(context.runId, context.stepId);
    const allowlist = await loadAllowlist(context.db, value.allowlist);
    const record = await findEntry(context.db, id);
    const problems: string[] = [];
    if (!record || record.removedAt) problems.push("Keel's record of the entry is missing or removed");
    const cidr = record?.cidr ?? requireCidr(value.cidr).cidr;
    for (const sink of allowlist.sinks) {
      const held = (await sink.list(sinkContextOf(context))).some((e) => e.id === id && e.cidr === cidr);
      if (!held) problems.push(`${sink.label} does not hold ${cidr}`);
    }
    if (problems.length) return { ok: false, summary: problems.join("; ") };
    return {
      ok: true,
      summary: `${cidr} is in ${allSinks(allowlist.sinks.length)} of "${allowlist.name}" (${allowlist.sinks.map((s) => s.label).join(", ")}) and in Keel's record.`,
    };
  },
};
