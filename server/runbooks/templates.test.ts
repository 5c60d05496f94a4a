import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findTemplateReferences, renderTemplates, TemplateError, type TemplateScope } from "./templates";

const scope: TemplateScope = {
  inputs: { ip: "203.0.113.7", seconds: 30, dryRun: false, note: null },
  steps: {
    assess: { status: "succeeded", output: { overBroad: true, rule: { id: "r-1", ports: [80, 443] } } },
    confirm: { status: "skipped" },
  },
  run: { id: "6f1c1d5e-0000-4000-8000-000000000001", number: 42, startedBy: "rita@example.test" },
};

function errorOf(action: () => unknown): TemplateError {
  try {
    action();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("expected a TemplateError");
}

describe("findTemplateReferences", () => {
  it("finds every reference at any depth, trimmed, in order", () => {
    const value = {
      key: "db:{{ inputs.database }}",
      list: ["{{steps.assess.output.overBroad}}", { deeper: "Run {{run.number}} by {{run.startedBy}}" }],
      number: 3,
      flag: true,
      nothing: null,
    };
    expect(findTemplateReferences(value)).toEqual([
      "inputs.database",
      "steps.assess.output.overBroad",
      "run.number",
      "run.startedBy",
    ]);
  });

  it("ignores text that only looks similar", () => {
    expect(findTemplateReferences(["{ inputs.ip }", "{{ unclosed", "}} {{", "{{a{b}}"])).toEqual([]);
  });
});

describe("renderTemplates", () => {
  it("keeps the type of a value that is exactly one template", () => {
    expect(renderTemplates("{{inputs.seconds}}", scope)).toBe(30);
    expect(renderTemplates("{{ inputs.dryRun }}", scope)).toBe(false);
    expect(renderTemplates("{{steps.assess.output.rule}}", scope)).toEqual({ id: "r-1", ports: [80, 443] });
    expect(renderTemplates("{{inputs.note}}", scope)).toBeNull();
    expect(renderTemplates("{{run.number}}", scope)).toBe(42);
  });

  it("writes values into longer strings with String()", () => {
    expect(renderTemplates("allow {{inputs.ip}} for {{inputs.seconds}}s", scope)).toBe("allow 203.0.113.7 for 30s");
    expect(renderTemplates("{{steps.assess.status}}/{{steps.confirm.status}}", scope)).toBe("succeeded/skipped");
    expect(renderTemplates("ports {{steps.assess.output.rule.ports}}", scope)).toBe("ports 80,443");
  });

  it("renders a deep copy and leaves the original alone", () => {
    const original = { input: { target: "{{inputs.ip}}", nested: ["{{run.id}}", 7] }, untouched: true };
    const copy = JSON.parse(JSON.stringify(original));
    const rendered = renderTemplates(original, scope);
    expect(rendered).toEqual({ input: { target: "203.0.113.7", nested: [scope.run.id, 7] }, untouched: true });
    expect(original).toEqual(copy);
  });

  it("names the reference when something is missing", () => {
    expect(errorOf(() => renderTemplates("{{inputs.missing}}", scope)).message).toContain("{{inputs.missing}}");
    expect(errorOf(() => renderTemplates({ a: ["x {{steps.confirm.output.value}}"] }, scope)).reference).toBe(
      "steps.confirm.output.value",
    );
    expect(errorOf(() => renderTemplates("{{steps.nope.status}}", scope)).reference).toBe("steps.nope.status");
    expect(errorOf(() => renderTemplates("{{inputs..ip}}", scope)).message).toContain("not a valid reference");
    expect(errorOf(() => renderTemplates("{{}}", scope)).reference).toBe("");
  });

  it("never walks into inherited properties", () => {
    for (const reference of [
      "inputs.__proto__",
      "inputs.constructor",
      "run.toString",
      "steps.assess.output.hasOwnProperty",
    ]) {
      expect(errorOf(() => renderTemplates(`{{${reference}}}`, scope)).reference).toBe(reference);
    }
  });

  it("refuses to write an object into a longer string", () => {
    expect(errorOf(() => renderTemplates("rule {{steps.assess.output.rule}}", scope)).message).toContain(
      "is an object",
    );
  });

  it("leaves strings without {{ unchanged (property)", () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes("{{")),
        (text) => renderTemplates(text, scope) === text,
      ),
    );
  });

  it("leaves JSON values without {{ unchanged (property)", () => {
    const plain = fc.jsonValue().filter((value) => !JSON.stringify(value).includes("{{"));
    fc.assert(
      fc.property(plain, (value) => {
        expect(renderTemplates(value, scope)).toEqual(value);
      }),
    );
  });

  it("is deterministic and finds what it renders (property)", () => {
    const references = fc.constantFrom(
      "inputs.ip",
      "inputs.seconds",
      "steps.assess.status",
      "steps.assess.output.overBroad",
      "run.id",
      "run.number",
    );
    const piece = fc.oneof(
      fc.string().filter((text) => !text.includes("{") && !text.includes("}")),
      references.map((reference) => `{{ ${reference} }}`),
    );
    const template = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join(""));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), template), (value) => {
        expect(renderTemplates(value, scope)).toEqual(renderTemplates(value, scope));
        const rendered = renderTemplates(value, scope);
        // Rendered text holds no template any more: the scope's values contain no braces.
        expect(findTemplateReferences(rendered)).toEqual([]);
      }),
    );
  });

  it("renders the text around templates verbatim (property)", () => {
    const text = fc.string().filter((t) => !t.includes("{") && !t.includes("}"));
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(renderTemplates(`${before}{{inputs.ip}}${after}`, scope)).toBe(
          before === "" && after === "" ? "203.0.113.7" : `${before}203.0.113.7${after}`,
        );
      }),
    );
  });
});
