import fc from "fast-check";

/** Strings that have broken other systems: injection, traversal, control and unpaired unicode. */
export const HOSTILE_STRINGS = [
  "",
  " ",
  "'; drop table users; --",
  "\" or 1=1 --",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "{{inputs.x}}{{steps.a.output.b}}",
  "../../../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "/dev/zero",
  "\u0000",
  "\ud800",
  "\u202eevil.exe",
  "🔥".repeat(1000),
  "a".repeat(300 * 1024),
  "%00%2e%2e%2f",
  "${jndi:ldap://127.0.0.1/a}",
  "__proto__",
  "NaN",
  "-1",
  "9".repeat(400),
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: "binary", maxLength: 40 }), fc.string({ maxLength: 20 }));

const hostileNumber = fc.oneof(fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_SAFE_INTEGER + 2, -1, 1e308), fc.double(), fc.integer());

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
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom("__proto__", "constructor", "prototype", "id", "name", "runId", "stepId", "email", "role", "inputs")), tie("value"), { maxKeys: 4 }),
    fc.constant(deep(40)),
    fc.constant(Array.from({ length: 150 }, (_, i) => i)),
  ),
})).value;

/**
 * An input for a procedure: mostly objects (every procedure takes one), with fields named like
 * Keel's real fields so that validation goes past the first key, and sometimes a bare value.
 */
export const hostileInput: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom("id", "name", "email", "role", "runId", "stepId", "runbookId", "inputs", "requestKey", "note", "reason", "bindingHash", "after", "limit", "kind", "value", "policy", "config", "versionA", "versionB", "userId", "password", "newPassword"), hostileValue, { maxKeys: 6 }) },
  { weight: 1, arbitrary: hostileValue },
);
