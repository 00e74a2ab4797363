/**
 * Response-time histograms in fixed log bins, so that PostgreSQL can merge
 * any number of buckets with a plain `unnest … GROUP BY bin` and read
 * percentiles off the merged counts.
 *
 * X-Ray reports a histogram as [{ Value: seconds, Count }]. Each value goes
 * to bin k ≥ 1 holding [RATIO^(k-1), RATIO^k) milliseconds, bin 0 holding
 * anything under 1 ms; a bin is read back as its geometric middle
 * RATIO^(k-1/2), within √RATIO − 1 ≈ 4.9% of any value in it. A finer ratio
 * would be more exact but spreads a merged day over more bins, and the map
 * only needs p50/p95 to a few percent.
 */
export const LATENCY_BIN_RATIO = 1.1;
const LOG_RATIO = Math.log(LATENCY_BIN_RATIO);

export function latencyBinOf(milliseconds: number): number {
  if (!(milliseconds >= 1)) return 0;
  return 1 + Math.floor(Math.log(milliseconds) / LOG_RATIO);
}

/** The milliseconds a bin stands for. */
export function latencyBinValue(bin: number): number {
  if (bin <= 0) return 0.5;
  return Math.exp((bin - 0.5) * LOG_RATIO);
}

/** Bins ascending with their counts: the two array columns of a bucket row. */
export interface TLatencyHistogram {
  bins: number[];
  counts: number[];
}

export const EMPTY_HISTOGRAM: TLatencyHistogram = { bins: [], counts: [] };

/** From X-Ray's [{ Value (seconds), Count }] (or any [seconds, count] pairs). */
export function histogramFromSeconds(entries: Iterable<readonly [number, number]>): TLatencyHistogram {
  const byBin = new Map<number, number>();
  for (const [seconds, count] of entries) {
    if (!(count > 0) || !Number.isFinite(seconds)) continue;
    const bin = latencyBinOf(seconds * 1000);
    byBin.set(bin, (byBin.get(bin) ?? 0) + Math.round(count));
  }
  return sortedHistogram(byBin);
}

export function mergeLatencyHistograms(histograms: Iterable<TLatencyHistogram>): TLatencyHistogram {
  const byBin = new Map<number, number>();
  for (const h of histograms) h.bins.forEach((bin, i) => byBin.set(bin, (byBin.get(bin) ?? 0) + (h.counts[i] ?? 0)));
  return sortedHistogram(byBin);
}

function sortedHistogram(byBin: Map<number, number>): TLatencyHistogram {
  const bins = [...byBin.keys()].filter((b) => byBin.get(b)! > 0).sort((a, b) => a - b);
  return { bins, counts: bins.map((b) => byBin.get(b)!) };
}

/**
 * The bin holding the p-quantile (nearest rank: the first bin whose running
 * count reaches p × total), as the SQL aggregation computes it; null when empty.
 */
export function percentileBin(h: TLatencyHistogram, p: number): number | null {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < h.bins.length; i++) {
    seen += h.counts[i]!;
    if (seen >= p * total) return h.bins[i]!;
  }
  return h.bins.at(-1)!;
}

export function percentileMs(h: TLatencyHistogram, p: number): number | null {
  const bin = percentileBin(h, p);
  return bin === null ? null : latencyBinValue(bin);
}
