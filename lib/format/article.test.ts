import { describe, expect, it } from "vitest";
import { articleFor, withArticle } from "./article";

describe("withArticle", () => {
  it("puts 'an' before a vowel sound and 'a' before the rest, for every role and target kind the console names", () => {
    expect(["admin", "lead", "responder", "viewer"].map(withArticle)).toEqual([
      "an admin",
      "a lead",
      "a responder",
      "a viewer",
    ]);
    expect(["allowlist", "database", "service", "secret", "secret-consumer", "incident"].map(withArticle)).toEqual([
      "an allowlist",
      "a database",
      "a service",
      "a secret",
      "a secret-consumer",
      "an incident",
    ]);
  });

  it("goes by sound where the letter misleads", () => {
    expect(articleFor("user")).toBe("a");
    expect(articleFor("URL")).toBe("a");
    expect(articleFor("hour")).toBe("an");
    expect(articleFor("SQL dump")).toBe("an");
  });
});
