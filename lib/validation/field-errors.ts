import type { ZodError } from "zod";
import "./zod-messages";

/** Zod issues as `{ "field.path": "message" }`, first message per field; shared by forms and server. */
export function fieldErrorsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : "_";
    fields[key] ??= issue.message;
  }
  return fields;
}
