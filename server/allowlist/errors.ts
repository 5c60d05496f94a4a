/**
 * Bad input met while a step plans or runs (a range already covered, an allowlist that is not
 * configured). The message starts with the field it is about, the way the engine reports input
 * that fails an action's schema ("cidr: …"). It is a plain Error on purpose: the engine reports
 * a failed plan or execution to the run page from its message.
 */
export class AllowlistFieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = "AllowlistFieldError";
  }
}
