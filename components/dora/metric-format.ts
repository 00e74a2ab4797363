/**
 * How the dashboards say a DORA figure in words: value and unit in human
 * terms, which direction is better, the change against the previous window,
 * the band's label. Pure and shared by the server-rendered tiles, the
 * executive table and the CSV export, so every view says the same thing.
 */
import type { TBand } from "@/lib/dora/bands";
import type { TDoraMetrics, TFigure, TMetricKey } from "@/lib/dora/schemas";

export interface TMetricMeta {
  label: string;
  /** Short column header. */
  short: string;
  /** Which way is better. */
  better: "higher" | "lower";
  /** What the sample size counts. */
  sampleNoun: [singular: string, plural: string];
  /** One line on what the figure is. */
  definition: string;
}

export const METRIC_META: Record<TMetricKey, TMetricMeta> = {
  deploymentFrequency: {
    label: "Deployment frequency",
    short: "Frequency",
    better: "higher",
    sampleNoun: ["deployment", "deployments"],
    definition: "Production deployments per day or week; the band uses the median number of deployment days per week.",
  },
  leadTime: {
    label: "Change lead time",
    short: "Lead time",
    better: "lower",
    sampleNoun: ["commit", "commits"],
    definition: "Median time from commit to running in production, over the commits each deployment brought first.",
  },
  changeFailRate: {
    label: "Change fail rate",
    short: "Fail rate",
    better: "lower",
    sampleNoun: ["deployment", "deployments"],
    definition: "Share of deployments that failed, were rolled back or had an incident attributed to them.",
  },
  recoveryTime: {
    label: "Failed deployment recovery time",
    short: "Recovery",
    better: "lower",
    sampleNoun: ["recovered failure", "recovered failures"],
    definition: "Median time from a failed deployment (or the incident it caused) to recovery.",
  },
  reworkRate: {
    label: "Deployment rework rate",
    short: "Rework",
    better: "lower",
    sampleNoun: ["deployment", "deployments"],
    definition: "Share of deployments that were unplanned, made to fix a production incident.",
  },
};

export const BAND_LABEL: Record<TBand, string> = { elite: "Elite", high: "High", medium: "Medium", low: "Low" };
export const BAND_RANK: Record<TBand, number> = { elite: 0, high: 1, medium: 2, low: 3 };

const trim = (n: number, digits: number) => {
  const fixed = n.toFixed(digits);
  return digits > 0 ? fixed.replace(/\.?0+$/, "") : fixed;
};
const oneOrTwo = (n: number) => trim(n, n >= 10 ? 0 : n >= 1 ? 1 : 2);

/** A duration in seconds, in the unit a person would use. */
export function formatDuration(seconds: number): { value: string; unit: string } {
  const minutes = seconds / 60;
  const hours = minutes / 60;
  const days = hours / 24;
  if (minutes < 1) return { value: trim(seconds, 0), unit: seconds === 1 ? "second" : "seconds" };
  if (hours < 1) return { value: trim(minutes, 0), unit: Math.round(minutes) === 1 ? "minute" : "minutes" };
  if (hours < 48) return { value: oneOrTwo(hours), unit: hours === 1 ? "hour" : "hours" };
  if (days < 60) return { value: oneOrTwo(days), unit: "days" };
  return { value: oneOrTwo(days / 30), unit: "months" };
}

/** Deployments per day, as per day, per week or per month, whichever reads as a number of at least one. */
export function formatRate(perDay: number): { value: string; unit: string } {
  if (perDay === 0) return { value: "0", unit: "deployments/week" };
  if (perDay >= 1) return { value: oneOrTwo(perDay), unit: "deployments/day" };
  if (perDay * 7 >= 1) return { value: oneOrTwo(perDay * 7), unit: "deployments/week" };
  return { value: oneOrTwo(perDay * 30), unit: "deployments/month" };
}

export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  return `${trim(pct, pct >= 10 || pct === 0 ? 0 : 1)}%`;
}

/** The headline of a figure; null for no data (shown as "No data", never as 0). */
export function formatFigure(metric: TMetricKey, figure: TFigure): { value: string; unit: string } | null {
  if (figure.value === null) return null;
  if (metric === "deploymentFrequency") return formatRate(figure.value);
  if (figure.unit === "seconds") return formatDuration(figure.value);
  return { value: formatPercent(figure.value), unit: "of deployments" };
}

/** The headline as one string, for tables and CSV ("No data" for none). */
export function figureText(metric: TMetricKey, figure: TFigure): string {
  const f = formatFigure(metric, figure);
  if (!f) return "No data";
  return f.unit === "of deployments" ? f.value : `${f.value} ${f.unit}`;
}

export function sampleText(metric: TMetricKey, n: number): string {
  const [one, many] = METRIC_META[metric].sampleNoun;
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export interface TChange {
  direction: "up" | "down" | "flat";
  /** Better, worse or the same, given which direction is better for the metric. */
  verdict: "better" | "worse" | "same";
  /** "+12%", "−3 pts": relative for rates and durations, percentage points for ratios. */
  amount: string;
  /** The change in words, for screen readers and titles. */
  text: string;
  /** Signed size of the change, better positive, for ranking movers (relative, or points/100 for ratios). */
  score: number;
}

/** Below this the change reads as "about the same": 2% relative, or half a percentage point. */
const FLAT_RELATIVE = 0.02;
const FLAT_POINTS = 0.005;

/** The change of a figure against the previous window; null when either has no data. */
export function figureChange(metric: TMetricKey, current: TFigure, previous: TFigure): TChange | null {
  if (current.value === null || previous.value === null) return null;
  const isRatio = current.unit === "ratio";
  const delta = current.value - previous.value;
  let size: number;
  let amount: string;
  if (isRatio) {
    size = delta;
    const points = Math.abs(delta) * 100;
    amount = `${delta >= 0 ? "+" : "−"}${trim(points, points >= 10 ? 0 : 1)} pts`;
  } else if (previous.value === 0) {
    size = delta === 0 ? 0 : Math.sign(delta);
    amount = delta === 0 ? "0%" : "new";
  } else {
    size = delta / Math.abs(previous.value);
    const pct = Math.abs(size) * 100;
    amount = `${size >= 0 ? "+" : "−"}${pct >= 1000 ? "999+" : trim(pct, pct >= 10 ? 0 : 1)}%`;
  }
  const isFlat = Math.abs(size) < (isRatio ? FLAT_POINTS : FLAT_RELATIVE);
  const direction = isFlat ? "flat" : delta > 0 ? "up" : "down";
  const isBetter = METRIC_META[metric].better === "higher" ? delta > 0 : delta < 0;
  const verdict = isFlat ? "same" : isBetter ? "better" : "worse";
  const was = figureText(metric, previous);
  const text = isFlat
    ? `About the same as the previous window (${was})`
    : `${direction === "up" ? "Up" : "Down"} ${amount.replace(/^[+−]/, "")} on the previous window (${was}): ${verdict}`;
  return { direction, verdict, amount: isFlat ? "±0" : amount, text, score: isFlat ? 0 : (isBetter ? 1 : -1) * Math.abs(size) };
}

/** The five figures in display order. */
export function figuresOf(metrics: TDoraMetrics): [TMetricKey, TFigure][] {
  return [
    ["deploymentFrequency", metrics.deploymentFrequency],
    ["leadTime", metrics.leadTime],
    ["changeFailRate", metrics.changeFailRate],
    ["recoveryTime", metrics.recoveryTime],
    ["reworkRate", metrics.reworkRate],
  ];
}

/** A number to sort teams by for one metric, best first; no data last. */
export function sortValue(metric: TMetricKey, figure: TFigure): number | null {
  if (figure.value === null) return null;
  return METRIC_META[metric].better === "higher" ? -figure.value : figure.value;
}

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
