import { describe, expect, it } from "vitest";
import { createTokenBuckets } from "@/lib/aws/token-bucket";

/** A clock that only moves when someone sleeps. */
function fakeClock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), elapsed: () => t };
}

describe("token bucket", () => {
  it("lets a burst through, then at most the rate per second, per key", async () => {
    const clock = fakeClock();
    const buckets = createTokenBuckets({ ratePerSecond: 50, burst: 50, ...clock });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 150 }, () => buckets.take("a").then(() => times.push(clock.elapsed()))));
    expect(times.filter((t) => t === 0)).toHaveLength(50);
    // In any window of one second, no more than the burst plus the rate.
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(100);
    // 100 beyond the burst at 50 a second: two seconds.
    expect(Math.max(...times)).toBe(2000);

    // Another account × region has its own bucket, full.
    const before = clock.elapsed();
    await buckets.take("b");
    expect(clock.elapsed()).toBe(before);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => createTokenBuckets({ ratePerSecond: 0 })).toThrow(RangeError);
  });
});
