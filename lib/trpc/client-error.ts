/** What a form or page needs from a failed tRPC call. */
export type ClientErrorInfo = {
  code: string;
  message: string;
  fields: Record<string, string>;
  requestId: string | null;
};

export function readClientError(error: unknown): ClientErrorInfo {
  const data = (
    error as { data?: { code?: string; details?: { fields?: Record<string, string> }; requestId?: string } } | null
  )?.data;
  const message = error instanceof Error ? error.message : "Something went wrong.";
  return {
    code: data?.code ?? "INTERNAL_SERVER_ERROR",
    message: data ? message : "Keel could not be reached. Check your connection and try again.",
    fields: data?.details?.fields ?? {},
    requestId: data?.requestId ?? null,
  };
}
