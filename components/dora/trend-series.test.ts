import { describe, expect, it } from "vitest";
import { isPartialBucket, shapeTrend } from "@/components/dora/trend-series";
import type { TDoraMetrics } from "@/lib/dora/schemas";

/** A point with only what the shape reads: the window, and a frequency. */
const point = (from: string, to: string, days: number, deployments: number) =>
  ({
    window: { from, to, days },
    deploymentFrequency: { value: deployments / days, deployments },
    leadTime: { value: null },
    changeFailRate: { value: null },
    recoveryTime: { value: null },
    reworkRate: { value: null },
  }) as unknown as TDoraMetrics;

describe("trend buckets so far", () => {
  it("knows a week or month that is still going from one that is over", () => {
    expect(isPartialBucket({ to: "2026-11-29" }, "2026-11-27")).toBe(true);
    expect(isPartialBucket({ to: "2026-11-27" }, "2026-11-27")).toBe(true);
    expect(isPartialBucket({ to: "2026-11-26" }, "2026-11-27")).toBe(false);
  });

  it("marks the current month apart, with its count as it stands", () => {
    const shape = shapeTrend(
      [point("2026-09-01", "2026-09-30", 30, 700), point("2026-10-01", "2026-10-31", 31, 760), point("2026-11-01", "2026-11-30", 30, 640)],
      "month",
      "2026-11-27T09:50:00.000Z",
    );
    expect(shape.labels).toEqual(["Sep 2026", "Oct 2026", "Nov 2026"]);
    expect(shape.partial).toEqual([false, false, true]);
    expect(shape.series.find((s) => s.metric === "deploymentFrequency")?.values).toEqual([700, 760, 640]);
  });
});
