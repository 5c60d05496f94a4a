import { z } from "zod";
import { SECRET_ALPHABETS } from "@/lib/secrets/alphabets";

export const secretName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, "Use lower-case letters, digits and -, starting with a letter (2 to 63 characters)");

export const secretPolicyInput = z.object({
  length: z.coerce.number().int().min(16, "Use at least 16 characters").max(512, "Use at most 512 characters"),
  alphabet: z.enum(SECRET_ALPHABETS, { message: `Choose one of: ${SECRET_ALPHABETS.join(", ")}` }),
});

export const createSecretInput = z.object({
  name: secretName,
  description: z.string().trim().max(500).default(""),
  policy: secretPolicyInput,
  gracePeriodHours: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .default(24),
  /** Entered once and never shown again; when empty, Keel generates one per the policy. */
  value: z.string().max(8192).optional(),
});

export type CreateSecretInput = z.infer<typeof createSecretInput>;
