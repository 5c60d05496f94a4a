import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { createBuiltinRegistry } from "../engine/builtins";
import { checkTemplateFile } from "./parse";

/**
 * Issue "Keel hardened by its own playbooks", done when: the seeds' checklists, applied to Keel
 * itself through its own "Service hardening review" template, have no open critical item that
 * Keel could close by code. The review is runbooks/reviews/keel-service-hardening.yaml; this test
 * keeps it honest against the template and the code it names.
 */

const REVIEW_FILE = "runbooks/reviews/keel-service-hardening.yaml";

const reviewEntry = z.strictObject({
  id: z.string(),
  status: z.enum(["done", "not_applicable", "open"]),
  how: z.string().min(20),
  outside: z.string().min(20).optional(),
  evidence: z.array(z.string().min(1)).min(1),
});
const review = z
  .strictObject({ template: z.string(), service: z.string(), items: z.array(reviewEntry) })
  .parse(parse(readFileSync(REVIEW_FILE, "utf8")));

const parsed = checkTemplateFile(
  readFileSync(`runbooks/checklists/${review.template}.yaml`, "utf8"),
  createBuiltinRegistry(),
);
if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join("\n"));
const templateItems = parsed.definition.sections.flatMap((section) =>
  section.items.map((item) => ({ id: item.id, priority: item.priority ?? section.priority })),
);

describe("Keel's own service hardening review", () => {
  it("reviews every item of the template, once, and nothing else", () => {
    expect(review.template).toBe("service-hardening-review");
    expect(review.items.map((entry) => entry.id).sort()).toEqual(templateItems.map((item) => item.id).sort());
  });

  it.each(review.items.map((entry) => [entry.id, entry] as const))("%s names evidence that exists", (_id, entry) => {
    for (const file of entry.evidence) expect(existsSync(file), `${file} exists`).toBe(true);
  });

  it("leaves an item open only with what, outside Keel's code, closes it", () => {
    for (const entry of review.items) {
      if (entry.status === "open") expect(entry.outside, `${entry.id} says what outside Keel closes it`).toBeDefined();
      else expect(entry.outside, `${entry.id} is ${entry.status}, so nothing outside is pending`).toBeUndefined();
    }
  });

  it("has no open critical item", () => {
    const critical = new Set(templateItems.filter((item) => item.priority === "critical").map((item) => item.id));
    expect(critical.size).toBeGreaterThan(0);
    const openCritical = review.items
      .filter((entry) => critical.has(entry.id) && entry.status === "open")
      .map((entry) => entry.id);
    expect(openCritical).toEqual([]);
  });
});
