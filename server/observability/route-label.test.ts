import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { routeLabel } from "./route-label";

describe("routeLabel", () => {
  it("replaces ids and groups framework paths", () => {
    expect(routeLabel("/runs/6f1c2a9e-8d6b-4c1e-9f1a-2b3c4d5e6f70", 200)).toBe("/runs/:id");
    expect(routeLabel("/runbooks/rollback/start?x=1", 200)).toBe("/runbooks/:id/start");
    expect(routeLabel("/api/runs/abc/events", 200)).toBe("/api/runs/:id/events");
    expect(routeLabel("/api/trpc/runs.get,runs.history", 200)).toBe("/api/trpc");
    expect(routeLabel("/_next/static/chunks/x.js", 200)).toBe("/_next/*");
    expect(routeLabel("/", 200)).toBe("/");
  });

  it("gives anything unmatched one label, so clients cannot grow the label set", () => {
    expect(routeLabel("/wp-admin/setup.php", 404)).toBe("unmatched");
    fc.assert(
      fc.property(fc.webPath(), fc.constantFrom(200, 302, 400, 401, 403, 500), (path, status) => {
        const label = routeLabel(path, status);
        return label
          .split("/")
          .filter(Boolean)
          .every(
            (segment) =>
              segment === ":id" ||
              segment === "*" ||
              /^[a-z][a-z0-9-]{0,30}$/.test(segment) ||
              segment === "api" ||
              segment === "_next",
          );
      }),
      { numRuns: 200 },
    );
  });
});
