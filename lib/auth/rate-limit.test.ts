import { describe, expect, it } from "vitest";
import { createRollingWindowLimiter, FailureLimiter } from "@/lib/auth/rate-limit";

describe("FailureLimiter", () => {
  it("blocks an address after the allowed failures until the window has passed", () => {
    let now = 1_000_000;
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfterSeconds("1.2.3.4")).toBe(0);
      limiter.recordFailure("1.2.3.4");
      now += 1_000;
    }
    expect(limiter.retryAfterSeconds("1.2.3.4")).toBe(57);
    expect(limiter.retryAfterSeconds("5.6.7.8")).toBe(0);
    now += 57_000;
    expect(limiter.retryAfterSeconds("1.2.3.4")).toBe(0);
  });

  it("forgets the oldest addresses beyond its capacity", () => {
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.recordFailure("a");
    limiter.recordFailure("b");
    limiter.recordFailure("c");
    expect(limiter.retryAfterSeconds("a")).toBe(0);
    expect(limiter.retryAfterSeconds("b")).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds("c")).toBeGreaterThan(0);
  });
});

describe("createRollingWindowLimiter", () => {
  const rule = { window: 60, max: 3 };

  it("counts each request for exactly one window after it was made", async () => {
    let now = 1_000_000;
    const limiter = createRollingWindowLimiter({ now: () => now });
    // 0 s, 20 s, 40 s: three in the window; a fourth at 50 s is refused until the first ages out at 60 s.
    for (const at of [0, 20_000, 40_000]) {
      now = 1_000_000 + at;
      expect((await limiter.consume("1.2.3.4", rule)).allowed).toBe(true);
    }
    now = 1_050_000;
    expect(await limiter.consume("1.2.3.4", rule)).toEqual({ allowed: false, retryAfter: 10 });
    expect((await limiter.consume("5.6.7.8", rule)).allowed).toBe(true);
    now = 1_060_000;
    expect((await limiter.consume("1.2.3.4", rule)).allowed).toBe(true);
    // The window rolls: the request at 20 s still counts, so the next is refused until 80 s.
    now = 1_061_000;
    expect(await limiter.consume("1.2.3.4", rule)).toEqual({ allowed: false, retryAfter: 19 });
  });

  it("does not reset after a pause: a steady stream gets max a window, not max a burst", async () => {
    let now = 0;
    const limiter = createRollingWindowLimiter({ now: () => now });
    let allowed = 0;
    // One attempt every 10 s for 10 minutes: 3 a minute at most.
    for (now = 0; now < 600_000; now += 10_000) if ((await limiter.consume("k", rule)).allowed) allowed++;
    expect(allowed).toBe(30);
  });
});
