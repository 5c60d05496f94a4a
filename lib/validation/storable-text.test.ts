import { describe, expect, it } from "vitest";
import { findUnstorableText, printable, unstorableCharacter } from "./storable-text";

describe("unstorableCharacter", () => {
  it("accepts ordinary, RTL, zero-width and astral text", () => {
    for (const text of ["", "plain", "\u202eevil.exe", "a\u200bb\ufeff", "🔥🔥", "\ud83d\udd25", "ü", "\uffff"])
      expect(unstorableCharacter(text)).toBeNull();
  });

  it("names a NUL and unpaired surrogates by code point", () => {
    expect(unstorableCharacter("a\u0000b")).toBe("U+0000");
    expect(unstorableCharacter("\ud800")).toBe("U+D800");
    expect(unstorableCharacter("x\udbffy")).toBe("U+DBFF");
    expect(unstorableCharacter("\udc00")).toBe("U+DC00");
    expect(unstorableCharacter("🔥\udc00")).toBe("U+DC00");
    expect(unstorableCharacter("\ud83d\ud83d\udd25")).toBe("U+D83D");
  });
});

describe("findUnstorableText", () => {
  it("names the path of a nested value", () => {
    expect(
      findUnstorableText({ name: "ok", steps: [{ note: "fine" }, { note: "fine" }, { note: "bad\u0000" }] }),
    ).toEqual({
      field: "steps.2.note",
      message: "steps.2.note contains a character that cannot be stored: U+0000.",
    });
  });

  it("names a bare value by its root and finds a field name that cannot be stored", () => {
    expect(findUnstorableText("\ud800")?.field).toBe("input");
    expect(findUnstorableText("\ud800", "actor")?.message).toBe(
      "actor contains a character that cannot be stored: U+D800.",
    );
    const found = findUnstorableText({ inputs: { ["k\u0000"]: "v" } });
    expect(found?.field).toBe("inputs.k<U+0000>");
    expect(found?.message).toContain("U+0000");
  });

  it("reports the first field in reading order and passes clean or cyclic objects", () => {
    expect(findUnstorableText({ a: "\ud800", b: "\u0000" })?.field).toBe("a");
    const cyclic: Record<string, unknown> = { a: "ok" };
    cyclic.self = cyclic;
    expect(findUnstorableText(cyclic)).toBeNull();
    expect(findUnstorableText({ n: 1, b: true, z: null, list: ["\u202e", "🔥"] })).toBeNull();
  });

  it("printable keeps pairs and marks lone units", () => {
    expect(printable("a🔥\ud800\u0000")).toBe("a🔥<U+D800><U+0000>");
  });
});
