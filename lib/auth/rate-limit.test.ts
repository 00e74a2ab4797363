import { describe, expect, it } from "vitest";
import { FailureLimiter } from "@/lib/auth/rate-limit";

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
