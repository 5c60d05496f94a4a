import { describe, expect, it } from "vitest";
import { copyProblems } from "./copy-problems";

describe("copyProblems", () => {
  it("passes plain console copy", () => {
    expect(
      copyProblems(
        "This needs the lead role; you are a responder.\nAn admin can add an allowlist. A user gets a one-time password.\n" +
          "Give a UUID, a URL or a unique name... Restore ../../etc/passwd? No: compare abc123..def456. Plan A or B.",
      ),
    ).toEqual([]);
  });

  it("finds a raw template", () => {
    expect(copyProblems("See the backups of {{inputs.database}}")).toEqual([
      'raw template: "See the backups of {{inputs.database}}"',
    ]);
  });

  it("finds a doubled full stop at a sentence's end, not an ellipsis", () => {
    expect(copyProblems("It is listed above.. Then")).toHaveLength(1);
    expect(copyProblems("It is listed above..")).toHaveLength(1);
    expect(copyProblems("Loading...")).toEqual([]);
  });

  it('finds "a" before a word that starts with a vowel letter and takes "an"', () => {
    expect(copyProblems("you are a admin")).toEqual(['"a" before "admin": "you are a admin"']);
    expect(copyProblems("Open a incident.\nA owner must approve.")).toHaveLength(2);
    expect(copyProblems("Choose a allowlist")).toHaveLength(1);
  });

  it('leaves "a" that is part of a word, a path or a label alone', () => {
    expect(copyProblems("data-a item, step_a order, x/a input, Plan A or B")).toEqual([]);
  });
});
