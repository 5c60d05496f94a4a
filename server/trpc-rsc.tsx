import "server-only";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { makeQueryClient } from "@/lib/trpc/query-client";
import { getCurrentSession } from "./auth/current-session";
import { requestInfoFromHeaders, type Context } from "./context";
import { getDb } from "./db";
import { runningEngine } from "./engine/instance";
import { appRouter } from "./routers/_app";
import { getRateLimits } from "./security/rate-limits/process-limits";

/** The same context a tRPC request gets, built from the page request. */
const createRscContext = cache(async (): Promise<Context> => ({
  db: await getDb(),
  session: await getCurrentSession(),
  request: requestInfoFromHeaders(await headers()),
  engine: runningEngine()?.deps ?? null,
  rateLimits: await getRateLimits(),
}));

/** One query client per server render. */
export const getQueryClient = cache(makeQueryClient);

/** For prefetching in server components: `prefetch(trpc.users.list.queryOptions())`. */
export const trpc = createTRPCOptionsProxy({ ctx: createRscContext, router: appRouter, queryClient: getQueryClient });

/**
 * Runs a query on the server before the page renders, so that the server's HTML and the browser's
 * first render show the same data. (Streaming a query still pending lets the two renders see
 * different states: a hydration mismatch.) Await it; start several with Promise.all.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any procedure's options
export async function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(options: T): Promise<void> {
  await getQueryClient().prefetchQuery(options);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
