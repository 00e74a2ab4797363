import { describe, expect, it } from "vitest";
import { formatDuration } from "@/lib/pipelines/board";

describe("formatDuration", () => {
  it("says seconds, minutes, hours and, past two days, days", () => {
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(72 * 60_000)).toBe("1 h 12 min");
    expect(formatDuration(47 * 3_600_000 + 59 * 60_000)).toBe("47 h 59 min");
    expect(formatDuration(76 * 3_600_000 + 30 * 60_000)).toBe("3 d 4 h");
  });
});
