import { describe, expect, it } from "vitest";
import type { TFigure } from "@/lib/dora/schemas";
import { figureChange, figureText, formatDuration, formatFigure, formatRate, sampleText, sortValue, toCsv } from "@/components/dora/metric-format";

const fig = (value: number | null, unit: TFigure["unit"] = "seconds"): TFigure => ({ value, unit, sampleSize: 20, isLowSample: false, band: null, bandYear: 2024 });

describe("formatFigure", () => {
  it("says no data as no data, never as zero", () => {
    expect(formatFigure("leadTime", fig(null))).toBeNull();
    expect(figureText("changeFailRate", fig(null, "ratio"))).toBe("No data");
  });

  it("puts durations in the unit a person would use", () => {
    expect(formatDuration(30)).toEqual({ value: "30", unit: "seconds" });
    expect(formatDuration(45 * 60)).toEqual({ value: "45", unit: "minutes" });
    expect(formatDuration(5.5 * 3600)).toEqual({ value: "5.5", unit: "hours" });
    expect(formatDuration(3 * 86400)).toEqual({ value: "3", unit: "days" });
    expect(formatDuration(120 * 86400)).toEqual({ value: "4", unit: "months" });
  });

  it("says deployment frequency per day, week or month, whichever is at least one", () => {
    expect(formatRate(2.5)).toEqual({ value: "2.5", unit: "deployments/day" });
    expect(formatRate(3 / 7)).toEqual({ value: "3", unit: "deployments/week" });
    expect(formatRate(2 / 30)).toEqual({ value: "2", unit: "deployments/month" });
  });

  it("shows ratios as percentages of deployments", () => {
    expect(formatFigure("changeFailRate", fig(0.125, "ratio"))).toEqual({ value: "13%", unit: "of deployments" });
    expect(formatFigure("reworkRate", fig(0.042, "ratio"))).toEqual({ value: "4.2%", unit: "of deployments" });
    expect(formatFigure("reworkRate", fig(0, "ratio"))).toEqual({ value: "0%", unit: "of deployments" });
  });
});

describe("figureChange", () => {
  it("is better when a lower-is-better metric goes down, and says by how much", () => {
    const change = figureChange("leadTime", fig(3600), fig(7200))!;
    expect(change).toMatchObject({ direction: "down", verdict: "better", amount: "−50%" });
    expect(change.score).toBeGreaterThan(0);
  });

  it("is worse when deployment frequency goes down", () => {
    expect(figureChange("deploymentFrequency", fig(1, "deployments/day"), fig(2, "deployments/day"))).toMatchObject({ direction: "down", verdict: "worse" });
  });

  it("measures ratios in percentage points", () => {
    expect(figureChange("changeFailRate", fig(0.2, "ratio"), fig(0.1, "ratio"))).toMatchObject({ direction: "up", verdict: "worse", amount: "+10 pts" });
  });

  it("calls a tiny change the same, and no data on either side no change at all", () => {
    expect(figureChange("leadTime", fig(1000), fig(1005))).toMatchObject({ direction: "flat", verdict: "same" });
    expect(figureChange("leadTime", fig(1000), fig(null))).toBeNull();
    expect(figureChange("leadTime", fig(null), fig(1000))).toBeNull();
  });
});

describe("helpers", () => {
  it("counts samples in the metric's own noun", () => {
    expect(sampleText("deploymentFrequency", 1)).toBe("1 deployment");
    expect(sampleText("leadTime", 1200)).toBe("1,200 commits");
  });

  it("sorts best first whichever direction is better, no data last", () => {
    expect(sortValue("deploymentFrequency", fig(3, "deployments/day"))!).toBeLessThan(sortValue("deploymentFrequency", fig(1, "deployments/day"))!);
    expect(sortValue("leadTime", fig(60))!).toBeLessThan(sortValue("leadTime", fig(600))!);
    expect(sortValue("leadTime", fig(null))).toBeNull();
  });

  it("writes CSV with quoted fields where needed", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], [1, null]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n1,\r\n');
  });
});
