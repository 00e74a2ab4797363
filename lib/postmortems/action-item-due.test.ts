import { describe, expect, it } from "vitest";
import { daysUntilDue, isActionItemDueSoon } from "@/lib/postmortems/action-item-due";

const now = new Date("2026-11-20T15:30:00Z");
const item = (dueAt: string | null, status: "OPEN" | "IN_PROGRESS" | "DONE" | "WONT_DO" = "OPEN", isOverdue = false) => ({ dueAt, status, isOverdue });

describe("due soon", () => {
  it("counts whole UTC days from today, whatever the time of day", () => {
    expect(daysUntilDue("2026-11-20T00:00:00.000Z", now)).toBe(0);
    expect(daysUntilDue("2026-11-21T00:00:00.000Z", now)).toBe(1);
    expect(daysUntilDue("2026-11-18T00:00:00.000Z", now)).toBe(-2);
    expect(daysUntilDue("2026-11-21T00:00:00.000Z", new Date("2026-11-20T23:59:59Z"))).toBe(1);
  });

  it("marks open and in-progress items due within 7 days, and nothing else", () => {
    expect(isActionItemDueSoon(item("2026-11-21T00:00:00.000Z"), now)).toBe(true);
    expect(isActionItemDueSoon(item("2026-11-27T00:00:00.000Z", "IN_PROGRESS"), now)).toBe(true);
    expect(isActionItemDueSoon(item("2026-11-28T00:00:00.000Z"), now)).toBe(false);
    expect(isActionItemDueSoon(item("2026-11-21T00:00:00.000Z", "DONE"), now)).toBe(false);
    expect(isActionItemDueSoon(item("2026-11-21T00:00:00.000Z", "WONT_DO"), now)).toBe(false);
    expect(isActionItemDueSoon(item(null), now)).toBe(false);
    // Overdue is its own mark, never "due soon" as well.
    expect(isActionItemDueSoon(item("2026-11-19T00:00:00.000Z", "OPEN", true), now)).toBe(false);
    expect(isActionItemDueSoon(item("2026-11-20T00:00:00.000Z", "OPEN", true), now)).toBe(false);
  });
});
