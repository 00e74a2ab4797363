import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKET_RATIO, bucketOf, bucketValue, denseHistogram, denseOf, histogramOf, mergeDense, quantile, quantileFromDense, quantileFromHistogram } from "@/lib/dora/stats";

describe("quantile", () => {
  it("gives the middle value, or the mean of the two middle values", () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([7], 0.5)).toBe(7);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it("interpolates p90 between order statistics", () => {
    // (10 - 1) × 0.9 = 8.1: 90% of the way… 10% past the 9th value towards the 10th.
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.9)).toBeCloseTo(9 + 0.1 * 91, 10);
    expect(quantile([10, 20], 0.9)).toBeCloseTo(19, 10);
  });

  it("has no value for no data", () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantileFromHistogram(new Map(), 0.9)).toBeNull();
  });

  it("does not depend on the order of its input", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1 }), fc.integer(), (values, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(values, { minLength: values.length, maxLength: values.length }), { seed, numRuns: 1 })[0]!;
        expect(quantile(shuffled, 0.5)).toBe(quantile(values, 0.5));
        expect(quantile(shuffled, 0.9)).toBe(quantile(values, 0.9));
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("lies between the smallest and largest value", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, p) => {
        const q = quantile(values, p)!;
        expect(q).toBeGreaterThanOrEqual(Math.min(...values));
        expect(q).toBeLessThanOrEqual(Math.max(...values));
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

describe("log buckets", () => {
  it("keep 0 exact and every other value within 1% of its bucket's representative", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketValue(0)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000_000 }), (v) => {
        const rep = bucketValue(bucketOf(v));
        expect(Math.abs(rep - v) / v).toBeLessThanOrEqual(0.01);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("are ordered: a larger value never lands in a smaller bucket", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (a, b) => (a <= b ? bucketOf(a) <= bucketOf(b) : bucketOf(a) >= bucketOf(b))), { numRuns: 100 });
  }, 30_000);

  it("are 2% wide", () => {
    expect(bucketValue(101) / bucketValue(100)).toBeCloseTo(BUCKET_RATIO, 12);
  });

  it("give medians and p90s within 1% of the exact ones", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 300 }), (values) => {
        const h = histogramOf(values);
        for (const p of [0.5, 0.9]) {
          const exact = quantile(values, p)!;
          const approx = quantileFromHistogram(h, p)!;
          expect(Math.abs(approx - exact)).toBeLessThanOrEqual(0.01 * exact + 1e-9);
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("read the same percentiles held densely, merged from parts in any order", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 2_000_000_000 }), { maxLength: 80 }), { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), (parts, p) => {
        const merged = parts.reduceRight((acc, values) => mergeDense(acc, denseOf(histogramOf(values))), denseHistogram());
        const whole = histogramOf(parts.flat());
        expect(merged.total).toBe(parts.flat().length);
        for (const q of [p, 0.5, 0.9]) expect(quantileFromDense(merged, q)).toBe(quantileFromHistogram(whole, q));
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
