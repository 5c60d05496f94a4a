import Link from "next/link";
import { TELEMETRY_RANGES } from "@/lib/schemas/telemetry";

export function RangeTabs({ base, days }: { base: string; days: number }) {
  return (
    <nav className="tabs" aria-label="Time range">
      {TELEMETRY_RANGES.map((range) => (
        <Link
          prefetch={false}
          key={range}
          href={`${base}?days=${range}`}
          aria-current={range === days ? "page" : undefined}
        >
          Last {range} days
        </Link>
      ))}
    </nav>
  );
}
