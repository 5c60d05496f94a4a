/**
 * Text Keel can store: PostgreSQL refuses a NUL byte in text, and an unpaired UTF-16 surrogate
 * has no UTF-8 form (it would be rewritten to U+FFFD or break a JSON column). Every string that
 * enters Keel, in any field name or value, is held to this before any schema or database work.
 */
export type UnstorableText = { field: string; message: string };

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one (UTF-16 code units). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first character of `text` that cannot be stored, as "U+0000", or null when all can be. */
export function unstorableCharacter(text: string): string | null {
  const match = UNSTORABLE.exec(text);
  return match ? codePointName(match[0].charCodeAt(0)) : null;
}

function codePointName(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;
}

export function unstorableMessage(field: string, character: string): string {
  return `${field} contains a character that cannot be stored: ${character}.`;
}

/**
 * Walks `value` once (object keys and values, array items) and names the first field holding
 * text that cannot be stored, by its path ("steps.2.note"; "input" for a bare value). The field
 * name shown is made printable, since it may itself be the offending text.
 */
export function findUnstorableText(value: unknown, root = "input"): UnstorableText | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    const field = path.length > 0 ? path.join(".") : root;
    if (typeof current === "string") {
      const character = unstorableCharacter(current);
      if (character) return { field, message: unstorableMessage(field, character) };
      continue;
    }
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: [...path, String(i)] });
      continue;
    }
    const entries = Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const character = unstorableCharacter(key);
      if (character) {
        const named = [...path, printable(key)].join(".");
        return {
          field: named,
          message: `The field name ${named} contains a character that cannot be stored: ${character}.`,
        };
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return null;
}

/** A field name safe to echo back: unstorable characters shown as their code point. */
export function printable(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const pair =
      unit >= 0xd800 && unit <= 0xdbff && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      out += text.slice(i, i + 2);
      i++;
    } else if (unit === 0 || (unit >= 0xd800 && unit <= 0xdfff)) out += `<${codePointName(unit)}>`;
    else out += text[i];
  }
  return out;
}
