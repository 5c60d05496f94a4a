import { describe, expect, it } from "vitest";
import { fieldLabel, messageForField } from "./field-label";

describe("fieldLabel", () => {
  it("says a field's key in words", () => {
    expect(fieldLabel("launchDate")).toBe("Launch date");
    expect(fieldLabel("inputs.backup")).toBe("Backup");
    expect(fieldLabel("serviceUrl")).toBe("Service URL");
    expect(fieldLabel("ownerId")).toBe("Owner");
    expect(fieldLabel("itemIds")).toBe("Items");
    expect(fieldLabel("evidence.run")).toBe("Evidence run");
    expect(fieldLabel("health.url")).toBe("Health URL");
    expect(fieldLabel("cidr")).toBe("CIDR");
    expect(fieldLabel("id")).toBe("ID");
    expect(fieldLabel("expiresAt")).toBe("Expiry date");
  });
});

describe("messageForField", () => {
  it("replaces a raw key at the start of a message with the field's words", () => {
    expect(messageForField("launchDate", "launchDate: 2026-01-01 is before today.")).toBe(
      "Launch date: 2026-01-01 is before today.",
    );
    expect(messageForField("evidence.run", "evidence.run: there is no run 42.")).toBe(
      "Evidence run: there is no run 42.",
    );
  });

  it("leaves a message that is already a sentence alone", () => {
    expect(messageForField("launchDate", "The launch date is before today.")).toBe("The launch date is before today.");
  });
});
