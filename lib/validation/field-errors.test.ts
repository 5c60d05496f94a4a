import { z } from "zod";
import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "./field-errors";

describe("fieldErrorsOf", () => {
  const schema = z.strictObject({
    ip: z.string(),
    reason: z.string().min(3, "Say why, in at least 3 characters"),
    note: z.string().optional(),
  });

  it("says plainly that a required field was left out, naming it by its key", () => {
    const parsed = schema.safeParse({ reason: "ok!" });
    expect(parsed.success).toBe(false);
    expect(fieldErrorsOf(parsed.error!)).toEqual({ ip: "This field is required." });
  });

  it("keeps the schema's own message and the type problem for a value of the wrong kind", () => {
    const parsed = schema.safeParse({ ip: 42, reason: "no" });
    const fields = fieldErrorsOf(parsed.error!);
    expect(fields.reason).toBe("Say why, in at least 3 characters");
    expect(fields.ip).toMatch(/expected string/);
  });
});
