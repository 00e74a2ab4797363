/**
 * Failed-authentication limiter: after `maxFailures` bad tokens from one
 * address within `windowMs`, that address gets 429 until the window passes,
 * before any database work. Guessing tokens is hopeless anyway (192 random
 * bits); this keeps a misconfigured or hostile client from loading the
 * database. Per instance, in memory: each portal instance counts on its own.
 */
export interface TFailureLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Addresses tracked at most; the oldest are forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly options: Required<TFailureLimiterOptions>;

  constructor(options: TFailureLimiterOptions) {
    this.options = { maxKeys: 10_000, now: Date.now, ...options };
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.options.maxFailures) return 0;
    const oldest = recent[recent.length - this.options.maxFailures]!;
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - this.options.now()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.options.now());
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.options.maxFailures));
    if (this.failures.size > this.options.maxKeys) {
      const oldestKey = this.failures.keys().next().value;
      if (oldestKey !== undefined) this.failures.delete(oldestKey);
    }
  }

  private recent(key: string): number[] {
    const since = this.options.now() - this.options.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}

/** Bad API tokens: 20 a minute per client address. */
export const tokenFailures = new FailureLimiter({ maxFailures: 20, windowMs: 60_000 });

export interface TRollingWindowRule {
  /** Seconds. */
  window: number;
  max: number;
}

/**
 * At most `max` requests from one key in any `window` seconds (a rolling
 * window: each request counts for exactly `window` seconds after it was made,
 * so there is no burst at a window's edge and no reset after a pause). Refused
 * requests do not count. In memory, per instance. Shaped as better-auth's
 * rate-limit `customStorage`.
 */
export function createRollingWindowLimiter({ maxKeys = 10_000, now = Date.now }: { maxKeys?: number; now?: () => number } = {}) {
  const hits = new Map<string, number[]>();
  return {
    async consume(key: string, rule: TRollingWindowRule): Promise<{ allowed: boolean; retryAfter: number | null }> {
      const at = now();
      const windowMs = rule.window * 1000;
      const recent = (hits.get(key) ?? []).filter((t) => t > at - windowMs);
      if (recent.length >= rule.max) {
        hits.set(key, recent);
        const oldest = recent[recent.length - rule.max]!;
        return { allowed: false, retryAfter: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)) };
      }
      recent.push(at);
      hits.delete(key);
      hits.set(key, recent);
      if (hits.size > maxKeys) {
        const oldestKey = hits.keys().next().value;
        if (oldestKey !== undefined) hits.delete(oldestKey);
      }
      return { allowed: true, retryAfter: null };
    },
  };
}
