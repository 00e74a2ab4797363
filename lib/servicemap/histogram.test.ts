import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LATENCY_BIN_RATIO,
  histogramFromSeconds,
  latencyBinOf,
  latencyBinValue,
  mergeLatencyHistograms,
  percentileMs,
} from "@/lib/servicemap/histogram";

describe("latency bins", () => {
  it("reads every value back within 5%", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 600_000, noNaN: true }), (ms) => {
        const back = latencyBinValue(latencyBinOf(ms));
        expect(Math.abs(back - ms) / ms).toBeLessThanOrEqual(Math.sqrt(LATENCY_BIN_RATIO) - 1 + 1e-9);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("puts sub-millisecond and invalid values in bin 0", () => {
    expect(latencyBinOf(0.2)).toBe(0);
    expect(latencyBinOf(Number.NaN)).toBe(0);
    expect(latencyBinOf(1)).toBe(1);
  });
});

describe("histograms", () => {
  it("converts X-Ray seconds, dropping empty entries, bins ascending", () => {
    const h = histogramFromSeconds([
      [0.5, 2],
      [0.012, 10],
      [0.0121, 5],
      [3, 0],
    ]);
    expect(h.bins).toEqual([latencyBinOf(12), latencyBinOf(500)]);
    expect(h.counts).toEqual([15, 2]);
  });

  it("merging is order-independent and keeps the total", () => {
    const pairs = fc.array(fc.tuple(fc.double({ min: 0.0005, max: 30, noNaN: true }), fc.integer({ min: 0, max: 500 })), { maxLength: 12 });
    fc.assert(
      fc.property(pairs, pairs, (a, b) => {
        const ha = histogramFromSeconds(a);
        const hb = histogramFromSeconds(b);
        const ab = mergeLatencyHistograms([ha, hb]);
        expect(mergeLatencyHistograms([hb, ha])).toEqual(ab);
        expect(ab).toEqual(histogramFromSeconds([...a, ...b]));
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("reads p50 and p95 by nearest rank", () => {
    const h = histogramFromSeconds([
      [0.01, 50],
      [0.1, 45],
      [1, 5],
    ]);
    expect(percentileMs(h, 0.5)).toBeCloseTo(latencyBinValue(latencyBinOf(10)));
    expect(percentileMs(h, 0.95)).toBeCloseTo(latencyBinValue(latencyBinOf(100)));
    expect(percentileMs(h, 0.96)).toBeCloseTo(latencyBinValue(latencyBinOf(1000)));
    expect(percentileMs({ bins: [], counts: [] }, 0.5)).toBeNull();
  });
});
