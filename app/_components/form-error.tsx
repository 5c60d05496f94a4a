import type { ClientErrorInfo } from "@/lib/trpc/client-error";
import { LongToken } from "./long-token";

/** The banner above a form when the server refused it; the request id helps an admin trace it. */
export function FormError({ error }: { error: ClientErrorInfo | null }) {
  if (!error) return null;
  return (
    <div className="alert error" role="alert">
      {error.message}
      {error.requestId ? (
        <span className="request-id">
          Request id: <LongToken value={error.requestId} what="request id" />
        </span>
      ) : null}
    </div>
  );
}
