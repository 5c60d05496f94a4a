"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";

/** After any command, the run and its history are refetched (the live stream does it too, for others). */
export function useRefreshRun(runId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ runId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.runs.history.queryKey({ runId }) }),
    ]);
}
