import { z } from "zod";
import { verifyAuditChain } from "../../audit/verify";
import type { CheckDefinition } from "../actions/types";

/** Keel verifying its own record: the whole audit chain links and no row was edited. */
export const auditChainCheck: CheckDefinition<Record<string, never>> = {
  name: "keel.audit-chain",
  title: "Audit trail verifies",
  description: "Walks the whole audit chain and checks every row's hash and link.",
  input: z.strictObject({}),
  async run(_input, context) {
    context.log("Verifying the audit chain…", "info");
    const result = await verifyAuditChain(context.db);
    if (result.ok)
      return {
        passed: true,
        summary: `The audit chain verifies: ${result.count} events, none edited or missing.`,
        details: { count: result.count },
      };
    return {
      passed: false,
      summary: `The audit chain is broken at sequence ${result.brokenSeq}: ${result.problem}.`,
      details: { brokenSeq: result.brokenSeq, problem: result.problem, verifiedBefore: result.count },
    };
  },
};
