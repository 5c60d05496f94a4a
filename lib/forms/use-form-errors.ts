import { useState } from "react";
import type { ZodError } from "zod";
import { readClientError, type ClientErrorInfo } from "@/lib/trpc/client-error";
import { fieldErrorsOf } from "@/lib/validation/field-errors";

export type FormErrors = {
  /** Field path → message, shown next to each field. */
  fields: Record<string, string>;
  /** An error no field explains, shown above the form. */
  error: ClientErrorInfo | null;
  /** Shows a failed call: its field errors next to the fields, or its message above the form. */
  fail: (cause: unknown) => void;
  /** Shows what the form's own schema refused, next to the fields. */
  refuse: (problem: ZodError) => void;
  setFields: (fields: Record<string, string>) => void;
  clear: () => void;
};

/** The error state every form keeps: field errors next to fields, anything else above the form. */
export function useFormErrors(): FormErrors {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<ClientErrorInfo | null>(null);
  return {
    fields,
    error,
    fail: (cause) => {
      const info = readClientError(cause);
      setFields(info.fields);
      setError(Object.keys(info.fields).length > 0 ? null : info);
    },
    refuse: (problem) => {
      setError(null);
      setFields(fieldErrorsOf(problem));
    },
    setFields,
    clear: () => {
      setFields({});
      setError(null);
    },
  };
}
