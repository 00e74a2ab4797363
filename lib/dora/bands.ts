/**
 * DORA's performance levels as data, per report year; the caller picks the
 * year. Each report publishes, per cluster, a description of where its teams
 * sit on each metric, not thresholds; we read each description as the bound
 * a figure must meet, and a figure gets the best level whose bound it meets
 * (low is the floor: every figure meets it).
 *
 * Sources (the "software delivery performance" tables):
 * - 2024: Accelerate State of DevOps Report 2024, https://dora.dev/research/2024/dora-report/
 *   (also summarised at https://octopus.com/blog/2024-devops-performance-clusters):
 *   elite — on demand, lead time < 1 day, change fail rate 5%, recovery < 1 hour;
 *   high — between once per day and once per week, 1 day–1 week, 20%, < 1 day;
 *   medium — between once per week and once per month, 1 week–1 month, 10%, < 1 day;
 *   low — between once per month and once every six months, 1–6 months, 40%, 1 week–1 month.
 * - 2023: Accelerate State of DevOps Report 2023, https://dora.dev/research/2023/dora-report/
 *   (https://octopus.com/blog/software-delivery-performance-clusters-2023):
 *   elite — on demand, < 1 day, 5%, < 1 hour; high — daily to weekly, 1 day–1 week, 10%, < 1 day;
 *   medium — weekly to monthly, 1 week–1 month, 15%, 1 day–1 week;
 *   low — weekly to monthly, 1 week–1 month, 64%, 1–6 months.
 *
 * Two consequences of "best level met", shown in docs/metrics.md: in 2024 a
 * change fail rate is never "medium" (high's 20% is the looser bound), and
 * recovery between a day and a week is "low" in 2024 but "medium" in 2023.
 * Deployment rework rate has no published levels (it entered the model in
 * 2024 without clusters), so it never gets a band.
 *
 * Deployment frequency is banded on the median number of deployment days per
 * week (DORA's own operationalisation in Four Keys) and, below one a week, on
 * deployments per 30 days: "on demand" = a deployment on at least 5 days of
 * the median week; "daily to weekly" = at least 1 day a week; "weekly to
 * monthly" = at least one deployment per 30 days.
 */
export const BANDS = ["elite", "high", "medium", "low"] as const;
export type TBand = (typeof BANDS)[number];

export const BAND_YEARS = [2023, 2024] as const;
export type TBandYear = (typeof BAND_YEARS)[number];
export const DEFAULT_BAND_YEAR: TBandYear = 2024;

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;

/** A bound a figure must meet for a level: at most (lower is better) or at least (higher is better). */
export type TBound = { atMost: number; inclusive: boolean } | { atLeast: number };

export interface TFrequencyBound {
  /** Median deployment days per week, at least. */
  medianDaysPerWeek?: number;
  /** Deployments per 30 days, at least (used for the monthly level). */
  perThirtyDays?: number;
}

export interface TBandTable {
  year: TBandYear;
  source: string;
  deploymentFrequency: Record<Exclude<TBand, "low">, TFrequencyBound | null>;
  /** Lead time and recovery in seconds, fail rate as a ratio; null: that level has no bound of its own (same as the next better one). */
  leadTime: Record<Exclude<TBand, "low">, TBound>;
  changeFailRate: Record<Exclude<TBand, "low">, TBound>;
  recoveryTime: Record<Exclude<TBand, "low">, TBound>;
}

const lessThan = (v: number): TBound => ({ atMost: v, inclusive: false });
const upTo = (v: number): TBound => ({ atMost: v, inclusive: true });

export const BAND_TABLES: Record<TBandYear, TBandTable> = {
  2024: {
    year: 2024,
    source: "https://dora.dev/research/2024/dora-report/",
    deploymentFrequency: { elite: { medianDaysPerWeek: 5 }, high: { medianDaysPerWeek: 1 }, medium: { perThirtyDays: 1 } },
    leadTime: { elite: lessThan(DAY), high: upTo(WEEK), medium: upTo(MONTH) },
    changeFailRate: { elite: upTo(0.05), high: upTo(0.2), medium: upTo(0.1) },
    recoveryTime: { elite: lessThan(HOUR), high: lessThan(DAY), medium: lessThan(DAY) },
  },
  2023: {
    year: 2023,
    source: "https://dora.dev/research/2023/dora-report/",
    deploymentFrequency: { elite: { medianDaysPerWeek: 5 }, high: { medianDaysPerWeek: 1 }, medium: { perThirtyDays: 1 } },
    leadTime: { elite: lessThan(DAY), high: upTo(WEEK), medium: upTo(MONTH) },
    changeFailRate: { elite: upTo(0.05), high: upTo(0.1), medium: upTo(0.15) },
    recoveryTime: { elite: lessThan(HOUR), high: lessThan(DAY), medium: upTo(WEEK) },
  },
};

function meets(value: number, bound: TBound): boolean {
  if ("atLeast" in bound) return value >= bound.atLeast;
  return bound.inclusive ? value <= bound.atMost : value < bound.atMost;
}

const RANKED = ["elite", "high", "medium"] as const;

export type TBandedMetric = "leadTime" | "changeFailRate" | "recoveryTime";

/** The best level whose bound the value meets; null for no value. */
export function bandFor(metric: TBandedMetric, value: number | null, year: TBandYear): TBand | null {
  if (value === null || !Number.isFinite(value)) return null;
  const table = BAND_TABLES[year][metric];
  for (const band of RANKED) if (meets(value, table[band])) return band;
  return "low";
}

export function frequencyBandFor(medianDaysPerWeek: number | null, perThirtyDays: number | null, year: TBandYear): TBand | null {
  if (medianDaysPerWeek === null && perThirtyDays === null) return null;
  const table = BAND_TABLES[year].deploymentFrequency;
  for (const band of RANKED) {
    const bound = table[band];
    if (!bound) continue;
    if (bound.medianDaysPerWeek !== undefined && medianDaysPerWeek !== null && medianDaysPerWeek >= bound.medianDaysPerWeek) return band;
    if (bound.perThirtyDays !== undefined && perThirtyDays !== null && perThirtyDays >= bound.perThirtyDays) return band;
  }
  return "low";
}
