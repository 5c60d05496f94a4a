import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { targets } from "@/db/schema";
import type { RunbookDefinition } from "@/lib/runbooks/definition";
import { workerGroupName } from "@/lib/worker-groups";
import { AppError } from "../../errors";
import { findTemplateReferences } from "../../runbooks/templates";
import type { StepJob } from "./step-job";

/** What the group of a step's job is decided from: the run's pinned definition and its inputs. */
export type RunForGroup = { definition: RunbookDefinition; inputs: Record<string, unknown> };

/**
 * The worker group that must execute `job`, or null when any instance with workers may. A step
 * acts on the targets its input names through `ref` inputs (`{{inputs.allowlist}}`); for a
 * `secret` input, on that secret's consumers. When those targets name a worker group, the step
 * runs only there. Targets of two different groups in one step are refused, naming them: no
 * instance could reach both.
 */
export async function workerGroupOfJob(
  db: Queryable,
  run: RunForGroup,
  job: Pick<StepJob, "stepId" | "phase">,
): Promise<string | null> {
  const step = run.definition.steps.find((s) => s.id === job.stepId);
  if (!step) return null;
  const input = job.phase === "compensate" ? step.compensation?.input : "input" in step ? step.input : undefined;
  const named = new Set(
    findTemplateReferences(input ?? {}).flatMap((ref) => /^inputs\.([A-Za-z0-9_]+)$/.exec(ref)?.[1] ?? []),
  );
  const groups = new Map<string, string>();
  for (const definition of run.definition.inputs) {
    if (definition.type !== "ref" || !named.has(definition.name)) continue;
    const value = run.inputs[definition.name];
    if (typeof value !== "string") continue;
    for (const target of await targetsActedOn(db, definition.target, value)) {
      const group = workerGroupName.safeParse(target.config.workerGroup);
      if (group.success) groups.set(`${target.kind} "${target.name}"`, group.data);
    }
  }
  const distinct = [...new Set(groups.values())];
  if (distinct.length > 1) {
    const list = [...groups].map(([target, group]) => `${target} (${group})`).join(", ");
    throw AppError.field(
      "workerGroup",
      `Step "${job.stepId}" acts on targets of different worker groups: ${list}. No instance serves all of them; give them one workerGroup or split the step.`,
      "CONFLICT",
    );
  }
  return distinct[0] ?? null;
}

async function targetsActedOn(db: Queryable, kind: string, name: string) {
  const columns = { kind: targets.kind, name: targets.name, config: targets.config };
  // A secret is not a target: the places it is delivered to are its consumers.
  if (kind === "secret")
    return db
      .select(columns)
      .from(targets)
      .where(and(eq(targets.kind, "secret-consumer"), sql`${targets.config}->>'secret' = ${name}`));
  return db
    .select(columns)
    .from(targets)
    .where(and(eq(targets.kind, kind), eq(targets.name, name)));
}
