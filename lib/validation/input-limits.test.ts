import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_INPUT_LIMITS, findInputLimitViolation, formatBytes } from "./input-limits";

describe("findInputLimitViolation", () => {
  it("names the field of a string over the limit, by its path", () => {
    const violation = findInputLimitViolation({ inputs: { notes: ["ok", "x".repeat(256 * 1024 + 1)] } });
    expect(violation).toEqual({
      field: "inputs.notes.1",
      message: "is 262,145 bytes; the limit is 256 KB",
      tooLarge: true,
    });
  });

  it("counts bytes, not characters", () => {
    const emoji = "😀".repeat(70 * 1024); // 4 bytes each: 280 KB in 71,680 characters
    expect(findInputLimitViolation({ note: emoji })?.field).toBe("note");
  });

  it("refuses an array over 100 items and deep nesting, naming where", () => {
    expect(findInputLimitViolation({ ids: Array.from({ length: 101 }, (_, i) => i) })).toMatchObject({
      field: "ids",
      tooLarge: false,
      message: "has 101 items; the limit is 100",
    });
    let deep: unknown = "leaf";
    for (let i = 0; i < 25; i++) deep = { a: deep };
    expect(findInputLimitViolation(deep)?.message).toBe("is nested more than 20 levels deep");
  });

  it("honours limits a procedure raises", () => {
    const ids = Array.from({ length: 150 }, (_, i) => i);
    expect(findInputLimitViolation({ ids }, { ...DEFAULT_INPUT_LIMITS, maxArrayItems: 500 })).toBeNull();
  });

  it("accepts every value within the limits", () => {
    const small = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string({ maxLength: 50 }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 10 }), tie("value"), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(fc.property(small, (value) => findInputLimitViolation(value) === null));
  });

  it("always finds a string over the limit, wherever it hides", () => {
    const big = "y".repeat(DEFAULT_INPUT_LIMITS.maxStringBytes + 1);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.nat({ max: 5 })), { maxLength: 8 }),
        (path) => {
          let value: unknown = big;
          for (const step of [...path].reverse())
            value =
              typeof step === "number"
                ? Object.assign(new Array(step + 1).fill(0), { [step]: value })
                : { [step]: value };
          const violation = findInputLimitViolation(value);
          return violation !== null && violation.field === (path.length > 0 ? path.join(".") : "input");
        },
      ),
    );
  });

  it("formats sizes for people", () => {
    expect(formatBytes(512)).toBe("512 bytes");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(1024 * 1024 * 3)).toBe("3 MB");
  });
});
