import { z } from "zod";

export type ConfigKeyHint = { key: string; type: string; required: boolean; defaultValue?: string; description?: string };

/**
 * The top-level keys a kind's config takes, read from its zod schema, so that the admin form can
 * say what to write without each kind documenting itself twice. A schema JSON Schema cannot
 * describe gives no hints (the server still validates it).
 */
export function configKeyHints(schema: z.ZodType): ConfigKeyHint[] {
  let json: { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  try {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as typeof json;
  } catch {
    return [];
  }
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([key, property]) => ({
    key,
    type: typeOf(property),
    required: required.has(key) && !("default" in property),
    ...("default" in property ? { defaultValue: JSON.stringify(property.default) } : {}),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
  }));
}

function typeOf(property: Record<string, unknown>): string {
  if (Array.isArray(property.enum)) return `one of ${property.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if (property.format === "uri") return "URL";
  if (typeof property.type === "string") return property.type === "array" ? "list" : property.type === "object" ? "mapping" : property.type;
  return "value";
}
