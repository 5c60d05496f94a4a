/** The forms a secret value takes when it leaks: as is, base64, base64url and URL-encoded. */
export function secretForms(secret: string): string[] {
  if (secret.length < 4) return [];
  const forms = [
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    encodeURIComponent(secret),
  ];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

export const SECRET_PLACEHOLDER = "[secret]";

/** Replaces every known secret, in every form, in text that is about to be stored or shown. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) for (const form of secretForms(secret)) out = out.split(form).join(SECRET_PLACEHOLDER);
  return out;
}
