import { messageForField } from "@/lib/validation/field-label";

/**
 * Bad input met while a step plans or runs (a range already covered, an allowlist that is not
 * configured). The message starts with the field it is about, in words ("CIDR: …"), the way the
 * engine reports input that fails an action's schema. It is a plain Error on purpose: the engine reports
 * a failed plan or execution to the run page from its message.
 */
export class AllowlistFieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(messageForField(field, `${field}: ${reason}`));
    this.name = "AllowlistFieldError";
  }
}
