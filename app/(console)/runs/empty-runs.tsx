"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { RUN_FILTERS } from "@/lib/schemas/runs";
import { useTRPC } from "@/lib/trpc/client";

const NOTHING: Record<(typeof RUN_FILTERS)[number], string> = {
  "needs-me": "Nothing needs you right now.",
  active: "No run is going right now.",
  ended: "No run has ended yet.",
  all: "No runbook has been run yet.",
};

const runsText = (n: number) => (n === 1 ? "1 run" : `${n} runs`);

/** An empty tab says so, then points to the runs the other tabs hold, with links. */
export function EmptyRuns({ filter }: { filter: (typeof RUN_FILTERS)[number] }) {
  const trpc = useTRPC();
  const counts = useQuery({ ...trpc.runs.counts.queryOptions(), enabled: filter !== "all" });
  const { active = 0, ended = 0 } = counts.data ?? {};
  return (
    <div className="empty" data-testid="runs-empty">
      <p>{NOTHING[filter]}</p>
      {filter !== "active" && active > 0 ? (
        <p>
          {runsText(active)} {active === 1 ? "is" : "are"} still going:{" "}
          <Link href="/runs?filter=active">see Active</Link>.
        </p>
      ) : null}
      {filter !== "ended" && filter !== "all" && ended > 0 ? (
        <p>
          {runsText(ended)} {ended === 1 ? "has" : "have"} ended: <Link href="/runs?filter=ended">see Ended</Link> or{" "}
          <Link href="/runs?filter=all">All</Link>.
        </p>
      ) : null}
    </div>
  );
}
