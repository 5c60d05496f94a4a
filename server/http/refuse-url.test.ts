import { describe, expect, it } from "vitest";
import { refuseUrl } from "./refuse-url";

describe("refuseUrl", () => {
  it("passes ordinary paths and query strings, including encoded RTL, zero-width and astral text", () => {
    for (const url of [
      "/",
      "/api/healthz",
      "/runs/abc?x=1&y=%E2%80%AE&z=%E2%80%8B+b",
      "/api/trpc/a,b?batch=1&input=%7B%7D",
      "/search?q=%F0%9F%94%A5&flag",
      "/a?",
    ]) {
      expect(refuseUrl(url, "rid")).toBeNull();
    }
  });

  it("refuses invalid percent-encoding in a path segment with 400 in the envelope", () => {
    for (const url of [
      "/api/runs/%ED%A0%80/events",
      "/api/incidents/%C3%28/postmortem",
      "/api/%ED%A0%80",
      "/x/%E0%A4%A",
    ]) {
      const refusal = refuseUrl(url, "rid");
      expect(refusal?.status, url).toBe(400);
      expect(refusal?.body.error).toMatchObject({
        code: "BAD_REQUEST",
        requestId: "rid",
        details: { fields: { path: expect.stringContaining("invalid percent-encoding") } },
      });
    }
  });

  it("refuses raw bytes a browser would have percent-encoded, rather than reading them as Latin-1", () => {
    for (const url of ["/api/runs/\u00ff", "/x?q=a b", "/x?q=\u00e9"])
      expect(refuseUrl(url, "rid")?.body.error.details?.fields).toHaveProperty("path");
  });

  it("refuses a NUL in a path segment naming the path", () => {
    expect(refuseUrl("/api/demo/services/%00/health", "rid")?.body.error.message).toBe(
      "Path segment 4 contains a character that cannot be stored: U+0000.",
    );
  });

  it("names the query parameter holding a NUL or invalid encoding", () => {
    expect(refuseUrl("/api/audit/export?actor=%00", "rid")?.body.error.details?.fields).toEqual({
      actor: "actor contains a character that cannot be stored: U+0000.",
    });
    expect(refuseUrl("/api/audit/export?format=csv&q=a%00b", "rid")?.body.error.details?.fields).toHaveProperty("q");
    expect(refuseUrl("/x?q=%ED%A0%80", "rid")?.body.error.details?.fields).toEqual({
      q: "q has invalid percent-encoding (it must encode UTF-8).",
    });
    expect(refuseUrl("/x?%00=1", "rid")?.body.error.details?.fields).toHaveProperty("<U+0000>");
    expect(refuseUrl("/x?%FF=1", "rid")?.body.error.details?.fields).toHaveProperty("query");
  });
});
