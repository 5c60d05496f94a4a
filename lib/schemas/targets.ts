import { parse } from "yaml";
import { z } from "zod";

export const targetKindField = z.string().trim().min(1, "Choose a kind");

export const targetName = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9-]{0,62}$/,
    "Use lower-case letters, digits and -, starting with a letter (at most 63 characters)",
  );

/**
 * A target's config as the admin types it: YAML key/value lines, parsed here so that the form
 * and the server read it the same way. The kind's own schema then checks the keys (server side).
 */
export const targetConfigYaml = z
  .string()
  .max(20_000, "Keep the config under 20,000 characters")
  .transform((text, ctx): Record<string, unknown> => {
    let value: unknown;
    try {
      value = parse(text, { uniqueKeys: true }) ?? {};
    } catch (error) {
      // yaml's messages carry the position ("at line 2, column 5"); the excerpt after it is noise.
      const message = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
      ctx.addIssue({ code: "custom", message: `Not valid YAML: ${message}` });
      return z.NEVER;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: "custom", message: "Write the config as `key: value` lines (a YAML mapping)." });
      return z.NEVER;
    }
    return value as Record<string, unknown>;
  });

export const saveTargetInput = z.object({
  /** create refuses a name in use; update refuses a target that does not exist. */
  mode: z.enum(["create", "update"]),
  kind: targetKindField,
  name: targetName,
  description: z.string().trim().max(500, "Use at most 500 characters").default(""),
  config: targetConfigYaml,
});

export const targetRefInput = z.object({ kind: targetKindField, name: targetName });

export type SaveTargetInput = z.infer<typeof saveTargetInput>;
export type TargetRefInput = z.infer<typeof targetRefInput>;
