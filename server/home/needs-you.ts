import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { queryRows } from "@/db/execute";
import { hasRole, isRole, type Role } from "@/lib/roles";

export type NeedsYouRun = {
  runId: string;
  number: number;
  runbookId: string;
  runbookTitle: string;
  startedBy: string;
  mine: boolean;
  stepId: string;
  stepTitle: string;
  stepStatus: string;
  error: string | null;
  since: Date;
};

/**
 * What waits for this person now, for the home page:
 * - `operator`: runs at a step waiting for a person (confirm a manual step, execute an action):
 *   any run for responders and up, their own first; nothing for viewers, who cannot act;
 * - `approvals`: approvals they may give: not on their own runs, their role at least the step's,
 *   not already approved by them;
 * - `troubled`: failed or interrupted runs, for someone to retry, skip or abort.
 */
export async function needsYou(db: Queryable, viewer: { id: string; role: Role }, limit = 20) {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`
    select r.id as run_id, r.number, r.runbook_id, rb.title as runbook_title, u.email as started_by, r.started_by = ${viewer.id} as mine,
      s.step_id, s.status as step_status, s.error, s.updated_at,
      rv.definition -> 'steps' -> s.position ->> 'title' as step_title,
      coalesce(rv.definition -> 'steps' -> s.position ->> 'role', 'lead') as approval_role,
      exists (select 1 from run_approvals a where a.run_id = r.id and a.step_id = s.step_id and a.attempt = s.attempt and a.user_id = ${viewer.id} and a.voided_at is null) as decided_by_viewer
    from runs r
    join runbooks rb on rb.id = r.runbook_id
    join users u on u.id = r.started_by
    join runbook_versions rv on rv.id = r.runbook_version_id
    join run_steps s on s.run_id = r.id and s.status in ('waiting_operator', 'waiting_approval', 'failed', 'interrupted')
    where r.status in ('waiting_operator', 'waiting_approval', 'failed', 'interrupted') and r.abort_reason is null
    order by s.updated_at desc
    limit 300`,
  );
  const toRun = (r: Record<string, unknown>): NeedsYouRun => {
    const title = typeof r.step_title === "string" && !r.step_title.includes("{{") ? r.step_title : String(r.step_id);
    return {
      runId: String(r.run_id),
      number: Number(r.number),
      runbookId: String(r.runbook_id),
      runbookTitle: String(r.runbook_title),
      startedBy: String(r.started_by),
      mine: r.mine === true,
      stepId: String(r.step_id),
      stepTitle: title,
      stepStatus: String(r.step_status),
      error: typeof r.error === "string" ? r.error : null,
      since: new Date(String(r.updated_at)),
    };
  };
  const canAct = hasRole(viewer.role, "responder");
  const operator = canAct
    ? rows
        .filter((r) => r.step_status === "waiting_operator")
        .map(toRun)
        .sort((a, b) => Number(b.mine) - Number(a.mine))
    : [];
  const approvals = rows
    .filter((r) => r.step_status === "waiting_approval" && r.mine !== true && r.decided_by_viewer !== true)
    .filter((r) => {
      const role = String(r.approval_role);
      return isRole(role) && hasRole(viewer.role, role);
    })
    .map(toRun);
  const troubled = rows
    .filter((r) => r.step_status === "failed" || r.step_status === "interrupted")
    .map(toRun)
    .sort((a, b) => Number(b.mine) - Number(a.mine));
  return {
    canAct,
    operator: operator.slice(0, limit),
    approvals: approvals.slice(0, limit),
    troubled: troubled.slice(0, limit),
  };
}
