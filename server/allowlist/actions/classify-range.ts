import { z } from "zod";
import type { CheckDefinition } from "../../engine/actions/types";
import { BROAD_PREFIX, describeSize, isBroad } from "../cidr";
import { coveringEntry, describeEntry, liveEntries, loadAllowlist, requireCidr } from "../entries";
import { recordRefusal } from "../refusals";
import { runFacts } from "../run-facts";
import { allowlistName, cidrText } from "./inputs";

const input = z.strictObject({ allowlist: allowlistName, cidr: cidrText });

/**
 * Looks at a range before anything changes: is it broad (a lead must approve), and is it already
 * covered by a live entry (then there is nothing to add, and the attempt is refused). Its output
 * (`broad`, `cidr`, `prefixLength`) drives the runbook's approval condition.
 */
export const classifyRangeCheck: CheckDefinition<z.infer<typeof input>> = {
  name: "allowlist.classify",
  title: "Classify an allowlist range",
  description:
    "Says whether an address or range is broad enough to need a lead's approval, and refuses one an existing entry already covers.",
  input,
  async run(value, context) {
    const range = requireCidr(value.cidr);
    const allowlist = await loadAllowlist(context.db, value.allowlist);
    const broad = isBroad(range);
    const details = {
      cidr: range.cidr,
      family: range.family,
      prefixLength: range.prefixLength,
      broad,
      size: describeSize(range),
    };
    const covering = coveringEntry(await liveEntries(context.db, allowlist.name), range);
    if (covering) {
      const summary = `${range.cidr} is already covered by ${describeEntry(covering)}; nothing to add. Remove that entry first if it must change.`;
      const facts = await runFacts(context.db, context.runId, context.stepId);
      await recordRefusal(context.db, facts.actor, "allowlist.add_refused", allowlist.name, {
        field: "cidr",
        cidr: range.cidr,
        reason: summary,
        coveredBy: { id: covering.id, cidr: covering.cidr, expiresAt: covering.expiresAt.toISOString() },
        runId: context.runId,
      });
      return { passed: false, summary, details: { ...details, coveredBy: covering.id } };
    }
    const limit = `/${BROAD_PREFIX[range.family]}`;
    const summary = broad
      ? `${range.cidr} is a broad range (${details.size}, broader than ${limit}): a lead must approve it before it is added.`
      : `${range.cidr} is a narrow range (${details.size}, ${limit} or narrower): no approval needed.`;
    return { passed: true, summary, details };
  },
};
