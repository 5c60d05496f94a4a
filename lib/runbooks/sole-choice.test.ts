import { describe, expect, it } from "vitest";
import type { InputDefinition } from "./definition";
import { soleChoices } from "./sole-choice";

const ref = (name: string, target: string, extra: Partial<InputDefinition> = {}) =>
  ({ name, label: name, required: true, type: "ref", target, ...extra }) as InputDefinition;

describe("soleChoices", () => {
  it("chooses the only configured allowlist, service or database", () => {
    const inputs = [ref("allowlist", "allowlist"), ref("service", "service"), ref("database", "database")];
    expect(soleChoices(inputs, { allowlist: ["edge"], service: ["shop-api"], database: ["demo-shop"] })).toEqual({
      allowlist: "edge",
      service: "shop-api",
      database: "demo-shop",
    });
  });

  it("leaves the choice to the person when there are several, none, or a default", () => {
    const inputs = [ref("allowlist", "allowlist"), ref("service", "service"), ref("database", "database", { default: "b" })];
    expect(soleChoices(inputs, { allowlist: ["edge", "office"], database: ["a"] })).toEqual({});
  });

  it("never chooses a secret to rotate, nor anything for other input types", () => {
    const inputs = [
      ref("secret", "secret"),
      { name: "reason", label: "Reason", required: true, type: "string", multiline: false } as InputDefinition,
    ];
    expect(soleChoices(inputs, { secret: ["db-password"] })).toEqual({});
  });
});
