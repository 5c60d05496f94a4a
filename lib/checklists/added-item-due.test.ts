import { describe, expect, it } from "vitest";
import { addedItemDue } from "./template";

const today = "2026-12-01";

describe("addedItemDue (items added after a checklist was made)", () => {
  it("follows the launch date and the priority rule, like template items", () => {
    expect(addedItemDue({}, "high", "2026-12-31", today)).toEqual({ dueDate: "2026-12-28", dueOffsetDays: -3 });
    expect(addedItemDue({}, "critical", "2026-12-31", today)).toEqual({ dueDate: "2026-12-24", dueOffsetDays: -7 });
    expect(addedItemDue({}, "low", "2026-12-31", today)).toEqual({ dueDate: "2027-01-30", dueOffsetDays: 30 });
  });

  it("uses the template's own due rules", () => {
    expect(addedItemDue({ dueRules: { high: -10 } }, "high", "2026-12-31", today)).toEqual({
      dueDate: "2026-12-21",
      dueOffsetDays: -10,
    });
  });

  it("is due today, not in the past, when the rule falls before today", () => {
    expect(addedItemDue({}, "critical", "2026-12-03", today)).toEqual({ dueDate: today, dueOffsetDays: -2 });
    expect(addedItemDue({}, "high", today, today)).toEqual({ dueDate: today, dueOffsetDays: 0 });
  });

  it("counts the priority's window from today when the launch is past", () => {
    expect(addedItemDue({}, "high", "2026-11-20", today)).toEqual({ dueDate: "2026-12-04", dueOffsetDays: 14 });
    expect(addedItemDue({}, "critical", "2026-11-20", today)).toEqual({ dueDate: "2026-12-08", dueOffsetDays: 18 });
    expect(addedItemDue({}, "medium", "2026-11-20", today)).toEqual({ dueDate: "2026-12-08", dueOffsetDays: 18 });
  });
});
