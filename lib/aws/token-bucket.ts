/**
 * A token bucket per key (an account × region): at most `ratePerSecond`
 * calls a second on average, bursts up to `burst`. Callers await `take(key)`
 * before each call; waiting callers are served in order. In-process only:
 * with several portal instances each keeps its own bucket, so the rate is
 * set below AWS's quota (GetMetricData: 50 TPS per account and region) and
 * the SDK's adaptive retries absorb the rest.
 */
export interface TTokenBucketOptions {
  ratePerSecond: number;
  burst?: number;
  /** Injected for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface TTokenBuckets {
  take(key: string): Promise<void>;
}

export function createTokenBuckets({ ratePerSecond, burst = ratePerSecond, now = () => performance.now(), sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }: TTokenBucketOptions): TTokenBuckets {
  if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError("a token bucket needs a positive rate and a burst of at least 1");
  const buckets = new Map<string, { tokens: number; at: number; queue: Promise<void> }>();
  const perMs = ratePerSecond / 1000;

  return {
    take(key) {
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: burst, at: now(), queue: Promise.resolve() };
        buckets.set(key, bucket);
      }
      const b = bucket;
      // Chained so that callers take tokens one after another, in the order they asked.
      const turn = b.queue.then(async () => {
        for (;;) {
          const t = now();
          b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
          b.at = t;
          if (b.tokens >= 1) {
            b.tokens -= 1;
            return;
          }
          await sleep(Math.ceil((1 - b.tokens) / perMs));
        }
      });
      b.queue = turn;
      return turn;
    },
  };
}
