import { describe, expect, it } from "vitest";
import type { SinkEntry } from "../entry";
import { emptyAllowFile, formatAllowLine, parseAllowFile, withEntry, withoutEntry } from "./allow-file";

const entry = (n: number, cidr: string): SinkEntry => ({
  id: `00000000-0000-5000-8000-00000000000${n}`,
  cidr,
  comment: `added by Keel run ${n}`,
  expiresAt: new Date(`2026-12-0${n}T00:00:00.000Z`),
});

describe("the nginx allow file", () => {
  it("writes one allow line per entry, before the trailer, and reads it back", () => {
    const a = entry(1, "203.0.113.0/24");
    const b = entry(2, "2001:db8::/48");
    const content = withEntry(withEntry(null, a, ["deny all;"]), b, ["deny all;"]);
    const lines = content.trimEnd().split("\n");
    expect(lines.slice(1)).toEqual([
      "allow 203.0.113.0/24; # 00000000-0000-5000-8000-000000000001 added by Keel run 1 expires 2026-12-01T00:00:00.000Z",
      "allow 2001:db8::/48; # 00000000-0000-5000-8000-000000000002 added by Keel run 2 expires 2026-12-02T00:00:00.000Z",
      "deny all;",
    ]);
    expect(parseAllowFile(content)).toEqual([a, b]);
  });

  it("does not add an entry twice", () => {
    const a = entry(1, "203.0.113.0/24");
    const once = withEntry(emptyAllowFile([]), a, []);
    expect(withEntry(once, a, [])).toBe(once);
    expect(once.split("\n").filter((l) => l === formatAllowLine(a))).toHaveLength(1);
  });

  it("removes only the entry's line and keeps lines it did not write", () => {
    const a = entry(1, "203.0.113.0/24");
    const b = entry(2, "198.51.100.7/32");
    const content = withEntry(withEntry("allow 10.0.0.0/8; # by hand\n", a, []), b, []);
    const after = withoutEntry(content, a.id, []);
    expect(parseAllowFile(after)).toEqual([b]);
    expect(after).toContain("allow 10.0.0.0/8; # by hand");
    expect(withoutEntry(after, a.id, [])).toBe(after);
  });
});
