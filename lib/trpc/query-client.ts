import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";

/**
 * Shared by the server (prefetch) and the browser. Prefetched data crosses to the browser as
 * plain JSON, exactly as a fetched response would (dates become ISO strings on both paths).
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 15_000, retry: (count, error) => count < 2 && !isClientError(error) },
      dehydrate: {
        serializeData: (data: unknown) => (data === undefined ? undefined : JSON.parse(JSON.stringify(data))),
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}

function isClientError(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
