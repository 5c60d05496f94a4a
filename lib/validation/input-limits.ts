/**
 * Limits every request input is held to before its schema sees it (seed 000 §1.4): a schema may
 * raise or lower them for its own fields through the procedure's meta.
 */
export type InputLimits = {
  /** Bytes of UTF-8 in any one string. */
  maxStringBytes: number;
  /** Items in any one array. */
  maxArrayItems: number;
  /** Levels of nested objects and arrays. */
  maxDepth: number;
};

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxStringBytes: 256 * 1024, maxArrayItems: 100, maxDepth: 20 };

/** The request body limit, enforced at the edge before anything is parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type InputLimitViolation = { field: string; message: string; tooLarge: boolean };

/** The first place where `value` exceeds a limit, naming the field by its path ("steps.3.note"). */
export function findInputLimitViolation(
  value: unknown,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): InputLimitViolation | null {
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    const field = path.length > 0 ? path.join(".") : "input";
    if (typeof current === "string") {
      const bytes = Buffer.byteLength(current, "utf8");
      if (bytes > limits.maxStringBytes) {
        return {
          field,
          message: `is ${exactBytes(bytes)}; the limit is ${formatBytes(limits.maxStringBytes)}`,
          tooLarge: true,
        };
      }
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (depth >= limits.maxDepth)
      return { field, message: `is nested more than ${limits.maxDepth} levels deep`, tooLarge: false };
    if (Array.isArray(current)) {
      if (current.length > limits.maxArrayItems) {
        return { field, message: `has ${current.length} items; the limit is ${limits.maxArrayItems}`, tooLarge: false };
      }
      current.forEach((item, index) => stack.push({ value: item, path: [...path, String(index)], depth: depth + 1 }));
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (Buffer.byteLength(key, "utf8") > 200)
        return {
          field: [...path, `${key.slice(0, 40)}…`].join("."),
          message: "has a field name longer than 200 bytes",
          tooLarge: false,
        };
      stack.push({ value: item, path: [...path, key], depth: depth + 1 });
    }
  }
  return null;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/** A measured size, exact, so that one byte over a limit does not read as "1 MB; the limit is 1 MB". */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}
