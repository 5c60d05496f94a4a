import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/routers/_app";

/** What procedures return, as the browser receives it (dates as ISO strings). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

export type RunView = RouterOutputs["runs"]["get"];
export type RunStepView = RunView["steps"][number];
