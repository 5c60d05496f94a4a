import type { RouterOutputs } from "@/lib/trpc/outputs";

export type IncidentView = RouterOutputs["incidents"]["get"];
export type TimelineEntryView = RouterOutputs["incidents"]["timeline"]["entries"][number];
