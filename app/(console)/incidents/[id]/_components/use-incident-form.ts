"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { useTRPC } from "@/lib/trpc/client";

/**
 * A form's errors (next to their fields, or above the form) and the refresh after it succeeds:
 * the live stream refreshes the page too, this only makes the person's own change show at once.
 */
export function useIncidentForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<ClientErrorInfo | null>(null);
  return {
    fields,
    error,
    setFields,
    clear() {
      setFields({});
      setError(null);
    },
    onError(cause: unknown) {
      const info = readClientError(cause);
      setFields(info.fields);
      // A field the form does not show (the incident, a note) still needs saying.
      const shown = Object.keys(info.fields).some((key) => !["incidentId", "noteId"].includes(key));
      setError(shown ? null : info);
    },
    refresh: () => queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() }),
  };
}
