import { describe, expect, it } from "vitest";
import { checkStatusMove, INCIDENT_STATUSES, isActiveStatus, nextStatuses } from "./status";

describe("incident status moves", () => {
  it("allows every forward move, including skipping ahead to resolved", () => {
    expect(checkStatusMove("investigating", "identified")).toEqual({ ok: true });
    expect(checkStatusMove("identified", "monitoring")).toEqual({ ok: true });
    expect(checkStatusMove("monitoring", "resolved")).toEqual({ ok: true });
    expect(checkStatusMove("investigating", "resolved")).toEqual({ ok: true });
  });

  it("allows going back while the incident is active", () => {
    expect(checkStatusMove("monitoring", "investigating")).toEqual({ ok: true });
    expect(checkStatusMove("monitoring", "identified")).toEqual({ ok: true });
    expect(checkStatusMove("identified", "investigating")).toEqual({ ok: true });
  });

  it("refuses staying put, with a message that says so", () => {
    for (const status of INCIDENT_STATUSES) {
      const move = checkStatusMove(status, status);
      expect(move.ok).toBe(false);
    }
    expect(checkStatusMove("monitoring", "monitoring")).toEqual({
      ok: false,
      message: "The incident is already monitoring.",
    });
  });

  it("never leaves resolved through a status change: only reopening does", () => {
    for (const to of INCIDENT_STATUSES) {
      const move = checkStatusMove("resolved", to);
      expect(move.ok).toBe(false);
    }
    expect(checkStatusMove("resolved", "investigating")).toMatchObject({ message: expect.stringContaining("reopen") });
    expect(nextStatuses("resolved")).toEqual([]);
  });

  it("offers exactly the moves it allows", () => {
    for (const from of INCIDENT_STATUSES) {
      for (const to of INCIDENT_STATUSES) expect(checkStatusMove(from, to).ok).toBe(nextStatuses(from).includes(to));
    }
    expect(isActiveStatus("monitoring")).toBe(true);
    expect(isActiveStatus("resolved")).toBe(false);
  });
});
