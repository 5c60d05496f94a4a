import ipaddr from "ipaddr.js";
import { z } from "zod";
import type { InputDefinition } from "./definition";
import { formatDuration, parseDuration } from "./duration";
import { withArticle } from "@/lib/format/article";

/** Options offered for `ref` inputs: the configured targets of each kind, by name. */
export type RefOptions = Partial<Record<string, string[]>>;

/**
 * The zod schema of a runbook's inputs, built from its definition. The start form in the browser
 * and the server both validate with it, so a form error and a server refusal say the same thing.
 * Values arrive as form strings or JSON; each type coerces what it safely can.
 */
export function buildInputSchema(inputs: InputDefinition[], refOptions: RefOptions = {}) {
  const shape: Record<string, z.ZodType> = {};
  for (const input of inputs) shape[input.name] = fieldSchema(input, refOptions);
  return z.strictObject(shape);
}

function optionalUnlessRequired(input: InputDefinition, schema: z.ZodType): z.ZodType {
  if (input.required) return schema;
  return z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
}

const emptyToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

function fieldSchema(input: InputDefinition, refOptions: RefOptions): z.ZodType {
  switch (input.type) {
    case "string": {
      let schema = z.string({ message: `${input.label} is required` }).trim();
      if (input.required) schema = schema.min(Math.max(1, input.minLength ?? 1), `${input.label} is required`);
      else if (input.minLength) schema = schema.min(input.minLength, `Use at least ${input.minLength} characters`);
      schema = schema.max(input.maxLength, `Use at most ${input.maxLength} characters`);
      if (input.pattern)
        schema = schema.regex(
          new RegExp(input.pattern),
          input.patternHint
            ? `${input.label} must be ${input.patternHint}.`
            : `${input.label} must match the pattern ${input.pattern}.`,
        );
      return optionalUnlessRequired(
        input,
        z.preprocess(emptyToUndefined, input.default !== undefined ? schema.default(input.default) : schema),
      );
    }
    case "number": {
      let schema = z.coerce.number({ message: `${input.label} must be a number` });
      if (input.integer) schema = schema.int(`${input.label} must be a whole number`);
      if (input.min !== undefined) schema = schema.min(input.min, `${input.label} must be at least ${input.min}`);
      if (input.max !== undefined) schema = schema.max(input.max, `${input.label} must be at most ${input.max}`);
      const base = z.preprocess(emptyToUndefined, input.default !== undefined ? schema.default(input.default) : schema);
      return optionalUnlessRequired(input, base);
    }
    case "boolean":
      return z.preprocess(
        (v) =>
          v === "true" || v === "on"
            ? true
            : v === "false" || v === "" || v === undefined
              ? (input.default ?? false)
              : v,
        z.boolean(),
      );
    case "enum": {
      const values = input.options.map((o) => (typeof o === "string" ? o : o.value));
      const schema = z.enum(values as [string, ...string[]], { message: `Choose one of: ${values.join(", ")}` });
      return optionalUnlessRequired(
        input,
        z.preprocess(emptyToUndefined, input.default !== undefined ? schema.default(input.default) : schema),
      );
    }
    case "duration": {
      const min = input.min ? parseDuration(input.min)! : 1;
      const max = input.max ? parseDuration(input.max)! : Number.POSITIVE_INFINITY;
      const schema = z
        .string()
        .trim()
        .refine((v) => parseDuration(v) !== null, "Use a duration such as 90s, 15m, 24h or 30d")
        .refine((v) => (parseDuration(v) ?? 0) >= min, `Use at least ${formatDuration(min)}`)
        .refine((v) => (parseDuration(v) ?? 0) <= max, `Use at most ${Number.isFinite(max) ? formatDuration(max) : ""}`)
        .transform((v) => formatDuration(parseDuration(v)!));
      return optionalUnlessRequired(
        input,
        z.preprocess(emptyToUndefined, input.default !== undefined ? schema.default(input.default) : schema),
      );
    }
    case "ip": {
      const schema = z
        .string()
        .trim()
        .refine(
          (v) => parseIpOrCidr(v, input.allowCidr) !== null,
          input.allowCidr ? "Enter an IPv4 or IPv6 address or CIDR range" : "Enter an IPv4 or IPv6 address",
        )
        .transform((v) => parseIpOrCidr(v, input.allowCidr)!);
      return optionalUnlessRequired(
        input,
        z.preprocess(emptyToUndefined, input.default !== undefined ? schema.default(input.default) : schema),
      );
    }
    case "secret":
      return optionalUnlessRequired(
        input,
        z
          .string({ message: `${input.label} is required` })
          .min(
            input.minLength,
            input.required ? `${input.label} is required` : `Use at least ${input.minLength} characters`,
          ),
      );
    case "ref": {
      const known = refOptions[input.target] ?? [];
      const schema = z
        .string({ message: `Choose ${withArticle(input.target)}` })
        .trim()
        .min(1, `Choose ${withArticle(input.target)}`)
        .refine((v) => known.includes(v), {
          message:
            known.length === 0
              ? `No ${input.target} is configured yet`
              : `Choose one of the configured ${input.target}s: ${known.join(", ")}`,
        });
      return optionalUnlessRequired(
        input,
        z.preprocess(emptyToUndefined, input.default !== undefined ? schema.default(input.default) : schema),
      );
    }
  }
}

/**
 * An address or range in canonical form: "203.0.113.7", "2001:db8::/48", "10.1.0.0/16".
 * Host bits in a range are cleared ("10.1.2.3/16" becomes "10.1.0.0/16").
 */
export function parseIpOrCidr(value: string, allowCidr: boolean): string | null {
  if (value.includes("/")) {
    if (!allowCidr || !ipaddr.isValidCIDR(value)) return null;
    const [address, bits] = ipaddr.parseCIDR(value);
    const network =
      address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
    return `${network.toString()}/${bits}`;
  }
  if (!ipaddr.isValid(value)) return null;
  return ipaddr.process(value).toString();
}

/** Names of the inputs whose values are secrets. */
export function secretInputNames(inputs: InputDefinition[]): string[] {
  return inputs.filter((i) => i.type === "secret").map((i) => i.name);
}
