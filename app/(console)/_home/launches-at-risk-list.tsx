"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { FormError } from "@/app/_components/form-error";
import { formatCalendarDate } from "@/lib/checklists/dates";
import { readClientError } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

export function LaunchesAtRiskList() {
  const trpc = useTRPC();
  const risk = useQuery(trpc.checklists.atRisk.queryOptions());
  if (risk.isError) return <FormError error={readClientError(risk.error)} />;
  if (!risk.data) return null;
  if (risk.data.length === 0)
    return <p className="muted">No launch in the next 14 days is blocked, and no critical item is overdue.</p>;
  return (
    <ul className="list" aria-label="Launches at risk">
      {risk.data.map((launch) => (
        <li key={launch.id}>
          <span>
            <Link prefetch={false} href={`/checklists/${launch.id}`}>
              {launch.name}
            </Link>{" "}
            <span className="small muted">({launch.service})</span>
          </span>
          <span className="small">
            {launch.gate}
            {launch.overdueCritical > 0 ? `, ${launch.overdueCritical} critical overdue` : ""} · launch{" "}
            {formatCalendarDate(launch.launchDate)}
            {launch.daysToLaunch >= 0 ? ` (in ${launch.daysToLaunch} days)` : ` (${-launch.daysToLaunch} days ago)`}
          </span>
        </li>
      ))}
    </ul>
  );
}
