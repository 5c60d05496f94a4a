import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { runSecrets, users } from "@/db/schema";
import type { TemplateScope } from "../runbooks/templates";
import { decryptSecret } from "../security/encryption";
import type { StoredRun } from "./run-state";

/**
 * What a step's templates can see: the run's inputs (secret ones decrypted, only here, only for
 * the step about to use them), earlier steps' status and output, and the run itself. Also returns
 * the secret values, so that output and errors can be redacted.
 */
export async function templateScopeFor(
  db: Database,
  stored: StoredRun,
): Promise<{ scope: TemplateScope; secrets: Set<string> }> {
  const sealed = await db.select().from(runSecrets).where(eq(runSecrets.runId, stored.row.id));
  const secrets = new Set<string>();
  // An optional input left empty is null, so templates can tell "not given" from a mistake.
  const inputs: Record<string, unknown> = Object.fromEntries(
    stored.definition.inputs.map((input) => [input.name, null]),
  );
  for (const [name, value] of Object.entries(stored.row.inputs)) {
    if (typeof value === "object" && value !== null && "secret" in value) continue;
    inputs[name] = value;
  }
  for (const row of sealed) {
    const value = decryptSecret(row.ciphertext, `run:${stored.row.id}:input:${row.inputName}`);
    inputs[row.inputName] = value;
    secrets.add(value);
  }
  const [starter] = await db.select({ email: users.email }).from(users).where(eq(users.id, stored.row.startedBy));
  return {
    secrets,
    scope: {
      inputs,
      steps: Object.fromEntries(stored.steps.map((s) => [s.stepId, { status: s.status, output: s.output }])),
      run: { id: stored.row.id, number: stored.row.number, startedBy: starter?.email ?? "" },
    },
  };
}
