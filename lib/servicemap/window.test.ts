import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planWindow, presetWindow } from "@/lib/servicemap/window";

const t = (iso: string) => new Date(iso);

describe("presetWindow", () => {
  it("ends at the last 5-minute boundary", () => {
    expect(presetWindow("1h", t("2026-11-02T10:07:31Z"))).toEqual({ from: t("2026-11-02T09:05:00Z"), to: t("2026-11-02T10:05:00Z") });
  });
});

describe("planWindow", () => {
  const rawSince = t("2026-11-01T00:00:00Z");

  it("reads whole hours hourly and the ragged ends in 5-minute rows", () => {
    const plan = planWindow({ from: t("2026-11-02T09:05:00Z"), to: t("2026-11-02T12:35:00Z") }, rawSince);
    expect(plan.segments.map((s) => [s.seconds, s.from.toISOString().slice(11, 16), s.to.toISOString().slice(11, 16)])).toEqual([
      [300, "09:05", "10:00"],
      [3600, "10:00", "12:00"],
      [300, "12:00", "12:35"],
    ]);
  });

  it("reads a window inside one hour from 5-minute rows only", () => {
    const plan = planWindow({ from: t("2026-11-02T09:05:00Z"), to: t("2026-11-02T09:20:00Z") }, rawSince);
    expect(plan.segments).toEqual([{ seconds: 300, from: t("2026-11-02T09:05:00Z"), to: t("2026-11-02T09:20:00Z") }]);
  });

  it("rounds out to hours where only hourly rows are left", () => {
    const plan = planWindow({ from: t("2026-10-30T09:05:00Z"), to: t("2026-11-01T02:10:00Z") }, rawSince);
    expect(plan.window).toEqual({ from: t("2026-10-30T09:00:00Z"), to: t("2026-11-01T02:10:00Z") });
    expect(plan.segments.map((s) => s.seconds)).toEqual([3600, 300]);
  });

  it("covers the window exactly once, without gaps or overlaps", () => {
    const base = Date.parse("2026-10-25T00:00:00Z");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 288 }), fc.integer({ min: 1, max: 7 * 288 }), fc.integer({ min: 0, max: 10 * 24 }), (start, length, rawHours) => {
        const plan = planWindow({ from: new Date(base + start * 300_000), to: new Date(base + (start + length) * 300_000) }, new Date(base + rawHours * 3600_000));
        let at = plan.window.from.getTime();
        for (const s of plan.segments) {
          expect(s.from.getTime()).toBe(at);
          expect(s.from.getTime() % (s.seconds * 1000)).toBe(0);
          expect(s.to.getTime() % (s.seconds * 1000)).toBe(0);
          if (s.seconds === 300) expect(s.from.getTime()).toBeGreaterThanOrEqual(Math.ceil((base + rawHours * 3600_000) / 3600_000) * 3600_000);
          at = s.to.getTime();
        }
        expect(at).toBe(plan.window.to.getTime());
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
