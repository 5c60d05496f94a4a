/**
 * Templates in runbook strings: `{{inputs.ip}}`, `{{steps.assess.output.overBroad}}`,
 * `{{steps.assess.status}}`, `{{run.id}}`. A template is a dotted path into the run's scope and
 * nothing else: no expressions, filters or defaults, so a runbook can never execute code.
 */

export type TemplateScope = {
  inputs: Record<string, unknown>;
  steps: Record<string, { status: string; output?: Record<string, unknown> | null }>;
  run: { id: string; number: number; startedBy: string };
};

export class TemplateError extends Error {
  constructor(
    readonly reference: string,
    message: string,
  ) {
    super(message);
    this.name = "TemplateError";
  }
}

/** `{{`, anything but braces, `}}`. The `g` flag makes it stateful, so each use builds its own. */
const templatePattern = () => /\{\{([^{}]*)\}\}/g;

/** A string that is exactly one template and nothing else (surrounding spaces inside the braces allowed). */
const WHOLE_TEMPLATE = /^\{\{([^{}]*)\}\}$/;

/** Every `{{ path }}` in any string at any depth of `value`, trimmed, in document order. */
export function findTemplateReferences(value: unknown): string[] {
  const found: string[] = [];
  visitStrings(value, (text) => {
    for (const match of text.matchAll(templatePattern())) found.push(match[1]!.trim());
  });
  return found;
}

/** The references in one string, trimmed. */
export function templateReferencesIn(text: string): string[] {
  return [...text.matchAll(templatePattern())].map((match) => match[1]!.trim());
}

/**
 * A deep copy of `value` with every template filled in from `scope`. A string that is exactly one
 * template becomes the referenced value itself (a number stays a number); a template inside a
 * longer string becomes `String(value)`. A reference to anything missing throws TemplateError.
 */
export function renderTemplates(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === "string") return renderString(value, scope);
  if (Array.isArray(value)) return value.map((item) => renderTemplates(item, scope));
  // fromEntries defines own properties, so even a key named "__proto__" stays plain data.
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderTemplates(item, scope)]));
  return value;
}

function renderString(text: string, scope: TemplateScope): unknown {
  const whole = WHOLE_TEMPLATE.exec(text);
  if (whole) return resolveReference(whole[1]!.trim(), scope);
  return text.replace(templatePattern(), (_match, inner: string) => {
    const reference = inner.trim();
    const resolved = resolveReference(reference, scope);
    if (resolved !== null && typeof resolved === "object" && !Array.isArray(resolved)) {
      // String() would write "[object Object]" into a command or message; refuse instead.
      throw new TemplateError(
        reference,
        `{{${reference}}} is an object; use it as the whole value or reference one of its fields`,
      );
    }
    // An optional input left empty is null: inside a longer string it reads as nothing, not "null".
    return resolved === null ? "" : String(resolved);
  });
}

/** Walks the dotted path through own properties only, so `__proto__` or `constructor` never resolve. */
function resolveReference(reference: string, scope: TemplateScope): unknown {
  const segments = reference.split(".");
  if (segments.some((segment) => segment === ""))
    throw new TemplateError(reference, `{{${reference}}} is not a valid reference`);
  let current: unknown = scope;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) {
      throw new TemplateError(reference, `{{${reference}}} refers to something this run does not have`);
    }
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined)
    throw new TemplateError(reference, `{{${reference}}} refers to something this run does not have`);
  return current;
}

function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const item of value) visitStrings(item, visit);
  else if (isPlainObject(value)) for (const item of Object.values(value)) visitStrings(item, visit);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}
