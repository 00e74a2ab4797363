/**
 * Percentiles, exact and from histograms. One definition for both: the
 * linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of numpy and of PostgreSQL's percentile_cont), so the median of an
 * even count is the mean of the two middle values.
 */

/** The p-quantile (0 ≤ p ≤ 1) of values sorted ascending; null for none. */
export function quantileSorted(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, n - 1)]!;
  return a + (h - lo) * (b - a);
}

export function quantile(values: readonly number[], p: number): number | null {
  return quantileSorted([...values].sort((x, y) => x - y), p);
}

/**
 * Log-scale buckets for durations in whole seconds. Bucket 0 holds 0 exactly;
 * bucket k ≥ 1 holds [RATIO^(k-1), RATIO^k) and is represented by its
 * geometric middle RATIO^(k-1/2). Any value in a bucket is within
 * √RATIO − 1 = 0.995% of the representative (and the representative within
 * 1 − 1/√RATIO = 0.985% of any value), so a percentile read from the
 * histogram — an interpolation between two representatives — is within 1%
 * of the exact one. The same function is written in SQL (dora_bucket in
 * prisma/sql/dora/10-helpers.sql); the integration test holds them to each other.
 */
export const BUCKET_RATIO = 1.02;
const LOG_RATIO = Math.log(BUCKET_RATIO);

export function bucketOf(seconds: number): number {
  if (seconds <= 0) return 0;
  return 1 + Math.floor(Math.log(seconds) / LOG_RATIO);
}

export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return Math.exp((bucket - 0.5) * LOG_RATIO);
}

/** A sparse histogram: bucket → count. */
export type THistogram = Map<number, number>;

export function histogramOf(values: Iterable<number>): THistogram {
  const h: THistogram = new Map();
  for (const v of values) {
    const b = bucketOf(v);
    h.set(b, (h.get(b) ?? 0) + 1);
  }
  return h;
}

export function mergeHistograms(into: THistogram, from: Iterable<readonly [number, number]>): THistogram {
  for (const [b, n] of from) {
    const next = (into.get(b) ?? 0) + n;
    if (next === 0) into.delete(b);
    else into.set(b, next);
  }
  return into;
}

export function histogramCount(h: THistogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/** The p-quantile of the values a histogram holds, each value read as its bucket's representative. */
export function quantileFromHistogram(h: THistogram, p: number): number | null {
  const n = histogramCount(h);
  if (n === 0) return null;
  const buckets = [...h.entries()].filter(([, c]) => c > 0).sort((x, y) => x[0] - y[0]);
  const h7 = (n - 1) * p;
  const lo = Math.floor(h7);
  const at = (rank: number): number => {
    let seen = 0;
    for (const [b, c] of buckets) {
      seen += c;
      if (rank < seen) return bucketValue(b);
    }
    return bucketValue(buckets.at(-1)![0]);
  };
  const a = at(lo);
  const b = at(Math.min(lo + 1, n - 1));
  return a + (h7 - lo) * (b - a);
}

/**
 * The same histogram held densely: `counts[b]` is the count of bucket b. Every
 * bucket of a duration below 2^31 s is under 1,090, so the array stays small,
 * and merging hundreds of them (the executive roll-up: every team's blocks,
 * windows and subtrees) is a loop over numbers, not hashing.
 */
export interface TDenseHistogram {
  counts: Float64Array;
  total: number;
}

export function denseHistogram(): TDenseHistogram {
  return { counts: new Float64Array(0), total: 0 };
}

function ensureBuckets(h: TDenseHistogram, size: number): void {
  if (size <= h.counts.length) return;
  const grown = new Float64Array(Math.max(size, 2 * h.counts.length, 256));
  grown.set(h.counts);
  h.counts = grown;
}

export function addToDense(h: TDenseHistogram, bucket: number, n: number): void {
  ensureBuckets(h, bucket + 1);
  h.counts[bucket]! += n;
  h.total += n;
}

export function mergeDense(into: TDenseHistogram, from: TDenseHistogram): TDenseHistogram {
  if (from.total === 0) return into;
  ensureBuckets(into, from.counts.length);
  const a = into.counts;
  const b = from.counts;
  for (let i = 0; i < b.length; i++) a[i]! += b[i]!;
  into.total += from.total;
  return into;
}

/** quantileFromHistogram, on a dense histogram (one pass over the buckets instead of a sort). */
export function quantileFromDense(h: TDenseHistogram, p: number): number | null {
  const n = h.total;
  if (n <= 0) return null;
  const h7 = (n - 1) * p;
  const lo = Math.floor(h7);
  const hi = Math.min(lo + 1, n - 1);
  let a: number | null = null;
  let last = 0;
  let seen = 0;
  const counts = h.counts;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    if (c <= 0) continue;
    last = b;
    seen += c;
    if (a === null && lo < seen) a = bucketValue(b);
    if (hi < seen) {
      const value = bucketValue(b);
      return a! + (h7 - lo) * (value - a!);
    }
  }
  const top = bucketValue(last);
  return (a ?? top) + (h7 - lo) * (top - (a ?? top));
}

export function denseOf(h: THistogram): TDenseHistogram {
  const d = denseHistogram();
  for (const [b, n] of h) addToDense(d, b, n);
  return d;
}
