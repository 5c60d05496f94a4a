import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ChecklistTemplateDefinition } from "@/lib/checklists/template";
import { createBuiltinRegistry } from "../engine/builtins";
import { checkTemplateFile } from "./parse";

/**
 * The shipped templates carry every item of the seed guides' checklists: each test reads the
 * seed (test/fixtures/seeds, copies of the guides), picks its checklist lines out itself, and
 * looks each one up in the template, in the section it belongs to, with the priority it implies.
 */

const seed = (name: string) => readFileSync(path.join("test/fixtures/seeds", name), "utf8").split("\n");
const template = (file: string): ChecklistTemplateDefinition => {
  const parsed = checkTemplateFile(
    readFileSync(path.join("runbooks/checklists", file), "utf8"),
    createBuiltinRegistry(),
  );
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}:${p.column} ${p.message}`).join("\n"));
  return parsed.definition;
};

type SeedItem = { heading: string; text: string };

/** `- [ ] text` lines (and `- ✅ text` ones) under `###` headings, between two `##` headings. */
function checklistLines(lines: string[], from: RegExp, to: RegExp, bullet = /^- \[ \] (.+)$/): SeedItem[] {
  const start = lines.findIndex((line) => from.test(line));
  expect(start, `the seed has ${from}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && to.test(line));
  const items: SeedItem[] = [];
  let heading = "";
  for (const line of lines.slice(start + 1, end < 0 ? undefined : end)) {
    if (line.startsWith("### ")) heading = line.slice(4).trim();
    const match = bullet.exec(line.trim());
    if (match) items.push({ heading, text: match[1]!.replaceAll("**", "").trim() });
  }
  return items;
}

function findItem(definition: ChecklistTemplateDefinition, text: string) {
  for (const section of definition.sections) {
    for (const item of section.items) {
      if (item.title === text || item.covers.includes(text))
        return { section, item, priority: item.priority ?? section.priority };
    }
  }
  return null;
}

describe("Production readiness (seed 004)", () => {
  const definition = template("production-readiness.yaml");
  const lines = seed("004_3cde706e6bf529a0.txt");

  it("has every Pre-Production item with the priority of its heading", () => {
    const items = checklistLines(lines, /^## Pre-Production Checklist/, /^## Section 1/);
    expect(items).toHaveLength(18);
    for (const { heading, text } of items) {
      const found = findItem(definition, text);
      expect(found, `"${text}" is in the template`).not.toBeNull();
      const priority = /Critical/.test(heading) ? "critical" : /High/.test(heading) ? "high" : "medium";
      expect(found!.priority, text).toBe(priority);
      expect(found!.section.title, text).toMatch(/^Pre-Production/);
      expect(found!.section.title.toLowerCase(), text).toContain(priority);
    }
  });

  it("has every Production Readiness item in its area's section", () => {
    const items = checklistLines(lines, /^## Production Readiness Checklist/, /^## Conclusion/);
    expect(items).toHaveLength(32);
    for (const { heading, text } of items) {
      const area = heading.split(" ")[0]!;
      const found = definition.sections
        .find((section) => section.title === `Production Readiness: ${area}`)
        ?.items.find((item) => item.title === text);
      expect(found, `"${text}" is under Production Readiness: ${area}`).toBeDefined();
    }
  });
});

describe("Launch (seed 000)", () => {
  const definition = template("launch.yaml");
  const lines = seed("000_7fd5b73c1f423c81.txt");

  it("has every pre-launch and post-launch item of §5 in its section", () => {
    const items = checklistLines(lines, /^## 5\. Production Readiness Checklist/, /^## 6\./);
    expect(items).toHaveLength(15);
    for (const { heading, text } of items) {
      const found = findItem(definition, text);
      expect(found, `"${text}" is in the template`).not.toBeNull();
      expect(found!.section.title).toBe(heading);
    }
  });

  it("has every measure of success of §11", () => {
    const items = checklistLines(lines, /^## 11\. Metrics for Success/, /^\*\*Last Updated/, /^- ✅ (.+)$/);
    expect(items).toHaveLength(6);
    for (const { text } of items) expect(findItem(definition, text)?.section.title, text).toBe("Metrics for Success");
  });
});

describe("Hardening: day 1 / week 1 / month 1 (seed 002)", () => {
  const definition = template("hardening.yaml");
  const lines = seed("002_0635ecfad71d427a.txt");

  it("has every item of the summary checklist, due on its horizon", () => {
    const items = checklistLines(lines, /^## Summary Checklist/, /^\*\*Total Time/);
    expect(items).toHaveLength(15);
    const horizon: Record<string, [string, number]> = {
      "Day 1": ["critical", 0],
      "Week 1": ["high", 7],
      "Month 1": ["medium", 30],
    };
    for (const { heading, text } of items) {
      const found = findItem(definition, text);
      expect(found, `"${text}" is in the template`).not.toBeNull();
      expect(found!.section.title).toBe(heading);
      const [priority, offset] = horizon[/\((.+)\)/.exec(heading)![1]!]!;
      expect(found!.priority).toBe(priority);
      expect(found!.item.dueOffsetDays ?? found!.section.dueOffsetDays).toBe(offset);
    }
  });
});

describe("Service hardening review (seeds 001 and 003)", () => {
  const definition = template("service-hardening-review.yaml");

  it("covers every issue of the review and of the remaining issues (seed 001)", () => {
    const lines = seed("001_4b8b611dcba48ce4.txt");
    const issues = [
      ...checklistLines(lines, /^## Original Review/, /^## Fixes Implemented/, /^\d+\. (.+?) - /),
      ...checklistLines(lines, /^## Remaining Issues/, /^## Lessons Learned/, /^\d+\. (.+?) - /),
    ];
    expect(issues).toHaveLength(18);
    for (const { heading, text } of issues) {
      const found = findItem(definition, text);
      expect(found, `"${text}" is covered`).not.toBeNull();
      if (heading === "Critical Issues Identified") expect(found!.priority, text).toBe("critical");
    }
  });

  it("covers every completed hardening task and every implemented security measure (seed 003)", () => {
    const lines = seed("003_f714e746d396725d.txt");
    const tasks = checklistLines(lines, /Completed Hardening Tasks/, /Test Results/, /^#### (.+)$/);
    const implemented = checklistLines(lines, /^### .*Implemented$/, /^### /, /^- (.+)$/);
    expect(tasks).toHaveLength(12);
    expect(implemented).toHaveLength(6);
    for (const { text } of [...tasks, ...implemented])
      expect(findItem(definition, text), `"${text}" is covered`).not.toBeNull();
  });

  it("binds the review's verifiable items to probes", () => {
    const bound = definition.sections.flatMap((s) => s.items).filter((item) => item.verify);
    expect(bound.map((item) => item.verify!.probe).sort()).toEqual([
      "audit-verify",
      "backup-age",
      "http",
      "http",
      "http",
      "http",
      "https-redirect",
      "runbook-succeeded",
      "runbook-succeeded",
    ]);
  });
});
