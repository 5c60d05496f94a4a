import type { RequestMeta } from "@/db/schema";

/** Who caused a state change, and through which request. Every audit row names one. */
export type Actor = {
  userId: string | null;
  /** The actor's email at the time, or "system". */
  label: string;
  sessionId: string | null;
  request: RequestMeta;
};

export function systemActor(request: RequestMeta = {}): Actor {
  return { userId: null, label: "system", sessionId: null, request };
}
