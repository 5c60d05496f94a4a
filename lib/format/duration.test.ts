import { describe, expect, it } from "vitest";
import { formatAxisSeconds, formatSeconds } from "./duration";

describe("formatAxisSeconds", () => {
  it("writes one unit with at most one decimal, short enough for a chart's side", () => {
    expect(formatAxisSeconds(0.25)).toBe("250 ms");
    expect(formatAxisSeconds(45)).toBe("45 s");
    expect(formatAxisSeconds(7.5)).toBe("7.5 s");
    expect(formatAxisSeconds(140)).toBe("2.3 min");
    expect(formatAxisSeconds(120)).toBe("2 min");
    expect(formatAxisSeconds(52.5 * 60)).toBe("53 min");
    expect(formatAxisSeconds(5400)).toBe("1.5 h");
    expect(formatAxisSeconds(3 * 86_400)).toBe("3 d");
    for (const seconds of [0.5, 9.94, 59, 61, 599, 3599, 3601, 47 * 3600, 400 * 86_400])
      expect(formatAxisSeconds(seconds).length).toBeLessThanOrEqual(7);
  });

  it("is shorter than the table's form, which keeps both units", () => {
    expect(formatSeconds(140)).toBe("2 min 20 s");
    expect(formatAxisSeconds(140).length).toBeLessThan(formatSeconds(140).length);
  });
});
