import { describe, expect, it } from "vitest";
import { everyMinutes } from "@/lib/jobs/boss";

describe("everyMinutes", () => {
  it("writes the cron for an interval, and refuses one cron cannot step by", () => {
    expect(everyMinutes(5)).toBe("*/5 * * * *");
    expect(everyMinutes(60)).toBe("0 * * * *");
    expect(() => everyMinutes(0)).toThrow(RangeError);
    expect(() => everyMinutes(2.5)).toThrow(RangeError);
  });
});
