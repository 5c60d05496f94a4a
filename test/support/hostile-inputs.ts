import fc from "fast-check";

/** Characters PostgreSQL or UTF-8 cannot hold: a NUL and unpaired surrogates (high, low, reversed pair). */
export const UNSTORABLE_CHARACTERS = ["\u0000", "\ud800", "\udbff", "\udc00", "\udfff"];

/** Marks that render invisibly or reorder text: they are storable and must be accepted or refused by schema, never crash. */
export const INVISIBLE_MARKS = [
  "\u200b",
  "\u200c",
  "\u200d",
  "\u2060",
  "\ufeff",
  "\u200e",
  "\u200f",
  "\u202a",
  "\u202e",
  "\u2066",
  "\u2069",
  "\u061c",
  "\u00ad",
];

/** Percent-encodings that are not UTF-8 (an encoded surrogate, a truncated sequence, a lone continuation byte). */
export const INVALID_PERCENT_ENCODINGS = ["%ED%A0%80", "%C3%28", "%E0%A4%A", "%FF", "%80", "%C0%AF", "%", "%zz"];

/** Strings that have broken other systems: injection, traversal, control and unpaired unicode. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "'; drop table users; --",
  '" or 1=1 --',
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "{{inputs.x}}{{steps.a.output.b}}",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "/dev/zero",
  "\u0000",
  "\ud800",
  "\udc00",
  "a\u0000b",
  "ok\ud800",
  "\udc00\ud800",
  "\u202eevil.exe",
  "\u200b\u200d\ufeff",
  "admin\u200b",
  "\u2066rtl\u2069\u061c",
  "%ED%A0%80",
  "%C3%28",
  "🔥".repeat(1000),
  "a".repeat(300 * 1024),
  "%00%2e%2e%2f",
  "${jndi:ldap://127.0.0.1/a}",
  "__proto__",
  "NaN",
  "-1",
  "9".repeat(400),
];

/** Ordinary-looking text with a character that cannot be stored somewhere inside it. */
export const unstorableString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...UNSTORABLE_CHARACTERS), fc.string({ maxLength: 12 }))
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** Ordinary-looking text with invisible or direction marks inside it. */
export const markedString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...INVISIBLE_MARKS), fc.string({ maxLength: 12 }))
  .map(([before, mark, after]) => `${before}${mark}${after}`);

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ maxLength: 20 }),
  unstorableString,
  markedString,
);

const hostileNumber = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    -1,
    1e308,
  ),
  fc.double(),
  fc.integer(),
);

function deep(levels: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < levels; i++) value = { nested: value };
  return value;
}

const hostileScalar = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null), fc.constant(undefined));

/** Values of every wrong shape: scalars, odd objects and arrays, deep nesting, huge arrays, polluted keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileScalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        hostileString,
        fc.constantFrom(
          "__proto__",
          "constructor",
          "prototype",
          "id",
          "name",
          "runId",
          "stepId",
          "email",
          "role",
          "inputs",
        ),
      ),
      tie("value"),
      { maxKeys: 4 },
    ),
    fc.constant(deep(40)),
    fc.constant(Array.from({ length: 150 }, (_, i) => i)),
  ),
})).value;

/** A value marked secret: a test collects these (SECRET_MARK) and proves no log holds them. */
export const SECRET_MARK = "hostile-secret-";
export const secretValue = fc
  .uint8Array({ minLength: 12, maxLength: 12 })
  .map((bytes) => `${SECRET_MARK}${Buffer.from(bytes).toString("base64url")}`);

/** Every string in `value` marked secret, at any depth. */
export function secretsIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === "string" && value.startsWith(SECRET_MARK)) found.push(value);
  else if (value && typeof value === "object") for (const item of Object.values(value)) secretsIn(item, found);
  return found;
}

/**
 * An input for a procedure: mostly objects (every procedure takes one), with fields named like
 * Keel's real fields so that validation goes past the first key, and sometimes a bare value.
 */
export const hostileInput: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(
      fc.constantFrom(
        "id",
        "name",
        "email",
        "role",
        "runId",
        "stepId",
        "runbookId",
        "inputs",
        "requestKey",
        "note",
        "reason",
        "bindingHash",
        "after",
        "limit",
        "kind",
        "value",
        "policy",
        "config",
        "versionA",
        "versionB",
        "userId",
        "password",
        "newPassword",
      ),
      hostileValue,
      { maxKeys: 6 },
    ),
  },
  { weight: 1, arbitrary: hostileValue },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        email: hostileString,
        password: secretValue,
        newPassword: secretValue,
        currentPassword: secretValue,
        token: secretValue,
        value: secretValue,
        name: hostileString,
      },
      { requiredKeys: [] },
    ),
  },
);

const FIELD_NAMES = [
  "id",
  "name",
  "title",
  "email",
  "runId",
  "stepId",
  "runbookId",
  "reason",
  "note",
  "description",
  "kind",
  "actor",
  "q",
  "inputs",
  "steps",
  "notes",
  "followUps",
];

/**
 * A plausible input holding one string that cannot be stored at some depth, as a value or as a
 * field name (inKey), with the path a refusal must name ("steps.2.note"; a bad field name is
 * named below that path).
 */
export const unstorableAtPath: fc.Arbitrary<{ input: Record<string, unknown>; field: string; inKey: boolean }> = fc
  .record({
    path: fc.array(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.nat({ max: 3 })), { minLength: 1, maxLength: 4 }),
    text: unstorableString,
    inKey: fc.boolean(),
    sibling: fc.constantFrom(...FIELD_NAMES),
  })
  .filter(({ path }) => typeof path[0] === "string")
  .map(({ path, text, inKey, sibling }) => {
    let value: unknown = inKey ? { [text]: "value" } : text;
    for (let i = path.length - 1; i >= 1; i--) {
      const step = path[i]!;
      if (typeof step === "number") {
        const list: unknown[] = Array.from({ length: step }, () => "fine");
        list.push(value);
        value = list;
      } else value = { [step]: value };
    }
    const first = path[0] as string;
    const input: Record<string, unknown> = { [first]: value };
    if (sibling !== first) input[sibling] = "ordinary text";
    return { input, field: path.map(String).join("."), inKey };
  });
