/** The alphabets a generated secret may use; shared by the schema, the secret form and its validation. */
export const SECRET_ALPHABETS = ["base64url", "hex", "alphanumeric", "printable"] as const;
export type SecretPolicy = { length: number; alphabet: (typeof SECRET_ALPHABETS)[number] };
