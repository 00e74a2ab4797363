/**
 * Trend points shaped for the charts (the chart components never fetch and
 * never do metric maths): one series per metric in a unit that reads well
 * on an axis, no data kept as null so the line breaks instead of dropping
 * to zero.
 */
import { METRIC_KEYS, type TDoraMetrics, type TMetricKey } from "@/lib/dora/schemas";

export interface TSeries {
  metric: TMetricKey;
  unit: string;
  /** Per bucket, oldest first. */
  values: (number | null)[];
}

export interface TTrendShape {
  /** Bucket labels, oldest first ("Nov 3" for weeks, "Nov 2026" for months). */
  labels: string[];
  /**
   * Per bucket: true when it is not over (the current week or month, so far). Its counts are
   * not comparable with a whole bucket's: the charts draw it apart, so that a month half gone does not read as a drop.
   */
  partial: boolean[];
  series: TSeries[];
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function bucketLabel(fromIso: string, bucket: "week" | "month"): string {
  const [y, m, d] = fromIso.split("-").map(Number) as [number, number, number];
  return bucket === "week" ? `${MONTHS[m - 1]} ${d}` : `${MONTHS[m - 1]} ${y}`;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Whether a bucket is not over on `today` (YYYY-MM-DD, UTC): its window (inclusive) reaches today or later. */
export function isPartialBucket(window: { to: string }, today: string): boolean {
  return window.to >= today;
}

/** `generatedAt`: when the figures were computed (the trend's own field), which says which bucket is still going. */
export function shapeTrend(points: readonly TDoraMetrics[], bucket: "week" | "month", generatedAt: string): TTrendShape {
  const labels = points.map((p) => bucketLabel(p.window.from, bucket));
  const today = generatedAt.slice(0, 10);
  const partial = points.map((p) => isPartialBucket(p.window, today));
  const series = METRIC_KEYS.map((metric): TSeries => {
    const raw = points.map((p) => p[metric].value);
    if (metric === "deploymentFrequency") {
      // Per week for weekly buckets, per month for monthly ones: the count people think in.
      return { metric, unit: bucket === "week" ? "deployments/week" : "deployments/month", values: points.map((p) => (p.deploymentFrequency.value === null ? null : p.deploymentFrequency.deployments)) };
    }
    if (metric === "changeFailRate" || metric === "reworkRate") return { metric, unit: "%", values: raw.map((v) => (v === null ? null : round(v * 100))) };
    const max = Math.max(0, ...raw.filter((v): v is number => v !== null));
    const [unit, size] = max >= 3 * 86_400 ? ["days", 86_400] : max >= 2 * 3600 ? ["hours", 3600] : ["minutes", 60];
    return { metric, unit, values: raw.map((v) => (v === null ? null : round(v / size))) };
  });
  return { labels, partial, series };
}

/** The sparkline values of one metric (raw figure values; the sparkline only needs their shape). */
export function sparklineValues(points: readonly TDoraMetrics[], metric: TMetricKey): (number | null)[] {
  return points.map((p) => p[metric].value);
}
