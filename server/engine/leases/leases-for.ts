import type { DatabaseHandle } from "@/db/client";
import { AdvisoryStepLeases } from "./advisory-step-leases";
import { LocalStepLeases } from "./local-step-leases";
import type { StepLeases } from "./step-leases";

/** Advisory locks on PostgreSQL (several processes share it), memory on embedded PGlite. */
export function stepLeasesFor(handle: DatabaseHandle): StepLeases {
  return handle.raw.kind === "pg"
    ? new AdvisoryStepLeases(handle.target as { driver: "pg"; url: string }, handle.raw.pool)
    : new LocalStepLeases();
}
