import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApprovals, runbookVersions, runs, runSteps, type StepStatus, type User } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/database";
import { installRunbook } from "@/test/support/engine";
import { callerAs, createTestUser } from "@/test/support/users";

let handle: TestDatabase;
let alice: User; // responder
let bob: User; // responder
let lead: User;
let viewer: User;
let admin: User;

const book = {
  id: "home-book",
  title: "Home book",
  summary: "A manual step, a lead approval, an admin approval, a check.",
  risk: "low",
  steps: [
    { id: "prepare", kind: "manual", title: "Prepare the change", instructions: "Do it." },
    { id: "approve", kind: "approval", title: "Lead approval" },
    { id: "approve-admin", kind: "approval", title: "Admin approval", role: "admin" },
    { id: "verify", kind: "check", title: "Verify", check: "test.flag", input: { pass: true } },
  ],
};

/** A run by `user` stopped at step `at` with `status`. */
async function runAt(
  user: User,
  at: number,
  status: StepStatus,
  runStatus: "waiting_operator" | "waiting_approval" | "failed" | "interrupted" | "succeeded",
  error: string | null = null,
) {
  const [version] = await handle.db.select().from(runbookVersions).where(eq(runbookVersions.runbookId, book.id));
  const [run] = await handle.db
    .insert(runs)
    .values({
      runbookId: book.id,
      runbookVersionId: version!.id,
      status: runStatus,
      inputs: {},
      inputsHash: "x",
      startedBy: user.id,
      requestKey: randomUUID(),
    })
    .returning();
  await handle.db.insert(runSteps).values(
    book.steps.map((step, position) => ({
      runId: run!.id,
      stepId: step.id,
      position,
      kind: step.kind as "manual",
      status: (position < at ? "succeeded" : position === at ? status : "pending") as StepStatus,
      error: position === at ? error : null,
    })),
  );
  return run!;
}

beforeAll(async () => {
  handle = await createTestDatabase();
  const make = async (role: "viewer" | "responder" | "lead" | "admin") =>
    (await createTestUser(handle.db, { role })).user;
  alice = await make("responder");
  bob = await make("responder");
  lead = await make("lead");
  viewer = await make("viewer");
  admin = await make("admin");
  await installRunbook(handle.db, book);
});
afterAll(() => handle.drop());

describe("needs you now", () => {
  it("lists runs waiting for a person (own first), approvals the viewer may give, and troubled runs", async () => {
    const bobsManual = await runAt(bob, 0, "waiting_operator", "waiting_operator");
    const alicesManual = await runAt(alice, 0, "waiting_operator", "waiting_operator");
    const alicesApproval = await runAt(alice, 1, "waiting_approval", "waiting_approval");
    const bobsAdminApproval = await runAt(bob, 2, "waiting_approval", "waiting_approval");
    const leadsApproval = await runAt(lead, 1, "waiting_approval", "waiting_approval");
    const failed = await runAt(bob, 3, "failed", "failed", "check failed: flag was false");
    await runAt(alice, 3, "succeeded", "succeeded");

    const forAlice = await (await callerAs(handle.db, alice)).home.needsYou();
    expect(forAlice.operator.map((r) => r.runId)).toEqual([alicesManual.id, bobsManual.id]);
    expect(forAlice.operator[0]).toMatchObject({
      mine: true,
      stepTitle: "Prepare the change",
      stepStatus: "waiting_operator",
      runbookTitle: "Home book",
    });
    // A responder may not give a lead's approval.
    expect(forAlice.approvals).toEqual([]);
    expect(forAlice.troubled.map((r) => [r.runId, r.error])).toEqual([[failed.id, "check failed: flag was false"]]);

    const forLead = await (await callerAs(handle.db, lead)).home.needsYou();
    // Not their own run, not an admin's step.
    expect(forLead.approvals.map((r) => r.runId)).toEqual([alicesApproval.id]);
    const forAdmin = await (await callerAs(handle.db, admin)).home.needsYou();
    expect(forAdmin.approvals.map((r) => r.runId).sort()).toEqual(
      [alicesApproval.id, bobsAdminApproval.id, leadsApproval.id].sort(),
    );

    // Once the lead approved, it no longer waits for them.
    await handle.db.insert(runApprovals).values({
      runId: alicesApproval.id,
      stepId: "approve",
      attempt: 1,
      userId: lead.id,
      userLabel: lead.email,
      decision: "approved",
      bindingHash: "x",
    });
    expect((await (await callerAs(handle.db, lead)).home.needsYou()).approvals).toEqual([]);

    const forViewer = await (await callerAs(handle.db, viewer)).home.needsYou();
    expect(forViewer).toMatchObject({ canAct: false, operator: [], approvals: [] });
    expect(forViewer.troubled).toHaveLength(1);
  });
});
