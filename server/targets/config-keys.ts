import { z } from "zod";

export type ConfigKeyHint = {
  key: string;
  type: string;
  required: boolean;
  defaultValue?: string;
  description?: string;
  when?: string;
};

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  [key: string]: unknown;
};

/**
 * The top-level keys a kind's config takes, read from its zod schema, so that the admin form can
 * say what to write without each kind documenting itself twice. A config that is one of several
 * shapes (a discriminated union) lists each shape's own keys with the value that selects it. A
 * schema JSON Schema cannot describe gives no hints (the server still validates it).
 */
export function configKeyHints(schema: z.ZodType): ConfigKeyHint[] {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  } catch {
    return [];
  }
  const shapes = (json.anyOf ?? json.oneOf ?? [json]).filter((shape) => shape.properties);
  if (shapes.length <= 1) return hintsOf(shapes[0] ?? json);
  const perShape = shapes.map((shape) => ({ when: selectorOf(shape), hints: hintsOf(shape) }));
  const inEvery = (key: string) => perShape.every(({ hints }) => hints.some((hint) => hint.key === key));
  // Keys every shape has come first; then each shape's own, labelled with what selects it.
  const shared: ConfigKeyHint[] = [];
  const own: ConfigKeyHint[] = [];
  for (const { when, hints } of perShape) {
    for (const hint of hints) {
      if (!inEvery(hint.key)) own.push(when ? { ...hint, when } : hint);
      else if (!shared.some((s) => s.key === hint.key)) shared.push(hint);
    }
  }
  const discriminator = shared.find((hint) => hint.type.startsWith("exactly "));
  if (discriminator)
    discriminator.type = `one of ${perShape.map(({ hints }) => hints.find((h) => h.key === discriminator.key)?.type.replace(/^exactly /, "")).join(", ")}`;
  return [...shared, ...own];
}

function hintsOf(shape: JsonSchema): ConfigKeyHint[] {
  const required = new Set(shape.required ?? []);
  return Object.entries(shape.properties ?? {}).map(([key, property]) => ({
    key,
    type: typeOf(property),
    required: required.has(key) && !("default" in property),
    ...("default" in property ? { defaultValue: JSON.stringify(property.default) } : {}),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
  }));
}

/** `driver: postgres`: the constant key that tells one shape of a union from the others. */
function selectorOf(shape: JsonSchema): string | undefined {
  const entry = Object.entries(shape.properties ?? {}).find(([, property]) => property.const !== undefined);
  return entry ? `${entry[0]}: ${String(entry[1].const)}` : undefined;
}

function typeOf(property: JsonSchema): string {
  if (property.const !== undefined) return `exactly ${JSON.stringify(property.const)}`;
  if (Array.isArray(property.enum)) return `one of ${property.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  if (property.format === "uri") return "URL";
  if (typeof property.type === "string")
    return property.type === "array" ? "list" : property.type === "object" ? "mapping" : property.type;
  return "value";
}
