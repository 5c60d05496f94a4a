/** The forms a leaked secret can take in a log line. */
export function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const hex = bytes.toString("hex");
  return [
    ...new Set([
      secret,
      bytes.toString("base64"),
      bytes.toString("base64url"),
      encodeURIComponent(secret),
      hex,
      hex.toUpperCase(),
    ]),
  ];
}

/** Secrets (by index) found in `text` in any of their forms. */
export function findSecrets(text: string, secrets: readonly string[]): { secret: string; form: string }[] {
  const found: { secret: string; form: string }[] = [];
  for (const secret of secrets) {
    for (const form of encodingsOf(secret)) if (text.includes(form)) found.push({ secret, form });
  }
  return found;
}
