import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_LEVEL, dayToIso, dyadicBlocks, fullWeeks, isoToDay, lastDays, previousWindow, trendBuckets } from "@/lib/dora/windows";

describe("windows", () => {
  const now = Date.parse("2026-11-26T15:00:00Z");

  it("a window of N days ends with today", () => {
    const w = lastDays(90, now);
    expect(dayToIso(w.toDay - 1)).toBe("2026-11-26");
    expect(dayToIso(w.fromDay)).toBe("2026-08-29");
    expect(previousWindow(w)).toEqual({ fromDay: w.fromDay - 90, toDay: w.fromDay });
  });

  it("full weeks count back from the end and drop a shorter rest", () => {
    const w = { fromDay: 100, toDay: 117 };
    expect(fullWeeks(w)).toEqual([
      { fromDay: 103, toDay: 110 },
      { fromDay: 110, toDay: 117 },
    ]);
    expect(fullWeeks({ fromDay: 0, toDay: 6 })).toEqual([]);
  });

  it("weekly buckets start on Mondays; monthly ones on the 1st", () => {
    const weeks = trendBuckets("week", 3, now);
    expect(weeks.map((w) => dayToIso(w.fromDay))).toEqual(["2026-11-09", "2026-11-16", "2026-11-23"]);
    const months = trendBuckets("month", 13, now);
    expect(dayToIso(months[0]!.fromDay)).toBe("2025-11-01");
    expect(dayToIso(months.at(-1)!.fromDay)).toBe("2026-11-01");
    expect(dayToIso(months.at(-1)!.toDay)).toBe("2026-12-01");
    expect(isoToDay("2026-02-01") - isoToDay("2026-01-01")).toBe(31);
  });

  it("dyadic blocks tile the window exactly, aligned, at most two per level", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 1500 }), (fromDay, length) => {
        const w = { fromDay, toDay: fromDay + length };
        const blocks = dyadicBlocks(w);
        let day = fromDay;
        for (const { level, block } of blocks) {
          expect(block * 2 ** level).toBe(day);
          day += 2 ** level;
        }
        expect(day).toBe(w.toDay);
        const perLevel = new Map<number, number>();
        for (const b of blocks) perLevel.set(b.level, (perLevel.get(b.level) ?? 0) + 1);
        for (const [level, n] of perLevel) if (level < MAX_LEVEL) expect(n).toBeLessThanOrEqual(2);
        expect(Math.max(...blocks.map((b) => b.level))).toBeLessThanOrEqual(MAX_LEVEL);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
