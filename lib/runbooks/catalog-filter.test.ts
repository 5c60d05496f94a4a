import { describe, expect, it } from "vitest";
import { catalogValues, filterCatalog, isFiltered, NO_FILTER, type CatalogEntry } from "./catalog-filter";

const catalog: CatalogEntry[] = [
  {
    id: "rollback-deploy",
    title: "Roll back a deploy",
    summary: "Return a service to its previous release.",
    risk: "high",
    services: ["checkout", "search"],
    tags: ["deploy"],
  },
  {
    id: "allow-ip",
    title: "Allow an IP address",
    summary: "Add a partner's address to the allowlist.",
    risk: "medium",
    services: ["edge"],
    tags: ["network", "partner"],
  },
  {
    id: "verify-audit-trail",
    title: "Verify the audit trail",
    summary: "Prove nobody edited the record.",
    risk: "low",
    services: ["keel"],
    tags: ["audit"],
  },
];
const ids = (filter: Partial<typeof NO_FILTER>) =>
  filterCatalog(catalog, { ...NO_FILTER, ...filter }).map((entry) => entry.id);

describe("filterCatalog", () => {
  it("shows everything without a filter", () => {
    expect(ids({})).toEqual(["rollback-deploy", "allow-ip", "verify-audit-trail"]);
    expect(isFiltered(NO_FILTER)).toBe(false);
  });

  it("matches every word of the text anywhere, ignoring case", () => {
    expect(ids({ text: "ROLL checkout" })).toEqual(["rollback-deploy"]);
    expect(ids({ text: "partner" })).toEqual(["allow-ip"]);
    expect(ids({ text: "audit-trail" })).toEqual(["verify-audit-trail"]);
    expect(ids({ text: "rollback edge" })).toEqual([]);
  });

  it("combines service, tag and risk filters", () => {
    expect(ids({ service: "search" })).toEqual(["rollback-deploy"]);
    expect(ids({ tag: "network", risk: "medium" })).toEqual(["allow-ip"]);
    expect(ids({ tag: "network", risk: "high" })).toEqual([]);
    expect(isFiltered({ ...NO_FILTER, risk: "low" })).toBe(true);
  });

  it("offers each service and tag once, sorted", () => {
    expect(catalogValues(catalog, "services")).toEqual(["checkout", "edge", "keel", "search"]);
    expect(catalogValues(catalog, "tags")).toEqual(["audit", "deploy", "network", "partner"]);
  });
});
