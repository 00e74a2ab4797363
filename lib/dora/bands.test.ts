import { describe, expect, it } from "vitest";
import { bandFor, frequencyBandFor } from "@/lib/dora/bands";

const HOUR = 3600;
const DAY = 24 * HOUR;

describe("bands", () => {
  it("lead time: elite below a day, high up to a week, medium up to 30 days, then low (both years)", () => {
    for (const year of [2023, 2024] as const) {
      expect(bandFor("leadTime", DAY - 1, year)).toBe("elite");
      expect(bandFor("leadTime", DAY, year)).toBe("high");
      expect(bandFor("leadTime", 7 * DAY, year)).toBe("high");
      expect(bandFor("leadTime", 7 * DAY + 1, year)).toBe("medium");
      expect(bandFor("leadTime", 30 * DAY, year)).toBe("medium");
      expect(bandFor("leadTime", 30 * DAY + 1, year)).toBe("low");
    }
  });

  it("change fail rate: the 2024 table (5% / 20% / 10% / 40%) never gives medium; 2023 (5 / 10 / 15 / 64%) does", () => {
    expect(bandFor("changeFailRate", 0.05, 2024)).toBe("elite");
    expect(bandFor("changeFailRate", 0.0501, 2024)).toBe("high");
    expect(bandFor("changeFailRate", 0.2, 2024)).toBe("high");
    expect(bandFor("changeFailRate", 0.2001, 2024)).toBe("low");
    expect(bandFor("changeFailRate", 0.1, 2023)).toBe("high");
    expect(bandFor("changeFailRate", 0.12, 2023)).toBe("medium");
    expect(bandFor("changeFailRate", 0.15, 2023)).toBe("medium");
    expect(bandFor("changeFailRate", 0.1501, 2023)).toBe("low");
    expect(bandFor("changeFailRate", 0, 2024)).toBe("elite");
  });

  it("recovery: below an hour elite, below a day high; a day to a week is medium in 2023 and low in 2024", () => {
    expect(bandFor("recoveryTime", HOUR - 1, 2024)).toBe("elite");
    expect(bandFor("recoveryTime", HOUR, 2024)).toBe("high");
    expect(bandFor("recoveryTime", DAY - 1, 2024)).toBe("high");
    expect(bandFor("recoveryTime", DAY, 2024)).toBe("low");
    expect(bandFor("recoveryTime", DAY, 2023)).toBe("medium");
    expect(bandFor("recoveryTime", 7 * DAY, 2023)).toBe("medium");
    expect(bandFor("recoveryTime", 7 * DAY + 1, 2023)).toBe("low");
  });

  it("deployment frequency: median deployment days a week, then deployments per 30 days", () => {
    expect(frequencyBandFor(5, 100, 2024)).toBe("elite");
    expect(frequencyBandFor(4.5, 100, 2024)).toBe("high");
    expect(frequencyBandFor(1, 4, 2024)).toBe("high");
    expect(frequencyBandFor(0.5, 1, 2024)).toBe("medium");
    expect(frequencyBandFor(0, 0.99, 2024)).toBe("low");
    expect(frequencyBandFor(null, 1, 2023)).toBe("medium");
  });

  it("no value, no band", () => {
    expect(bandFor("leadTime", null, 2024)).toBeNull();
    expect(frequencyBandFor(null, null, 2024)).toBeNull();
  });
});
