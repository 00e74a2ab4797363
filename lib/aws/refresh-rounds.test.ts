import { describe, expect, it } from "vitest";
import { isRefreshRound } from "@/lib/aws/refresh-rounds";

const START = Date.UTC(2026, 10, 2, 10, 0);

describe("isRefreshRound", () => {
  it("gives every resource exactly one turn in each run of `rounds` syncs, and none when rounds is 0", () => {
    const keys = Array.from({ length: 50 }, (_, i) => `arn:aws:cloudwatch:eu-west-1:111111111111:alarm:a-${i}`);
    const turns = (key: string, first: number) =>
      Array.from({ length: 12 }, (_, i) => isRefreshRound(key, { now: new Date(START + (first + i) * 5 * 60_000), intervalMinutes: 5, rounds: 12 })).filter(Boolean).length;
    expect(keys.map((key) => turns(key, 0))).toEqual(keys.map(() => 1));
    expect(keys.map((key) => turns(key, 7))).toEqual(keys.map(() => 1));
    expect(keys.some((key) => isRefreshRound(key, { now: new Date(START), intervalMinutes: 5, rounds: 0 }))).toBe(false);
  });

  it("spreads the resources over the rounds rather than reading them all at once", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `pipeline-${i}`);
    const due = keys.filter((key) => isRefreshRound(key, { now: new Date(START), intervalMinutes: 5, rounds: 4 })).length;
    expect(due).toBeGreaterThan(20);
    expect(due).toBeLessThan(80);
  });
});
