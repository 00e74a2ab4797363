/**
 * Postmortem insights, defined. The SQL (server/get-postmortem-insights.ts)
 * groups in PostgreSQL; this module holds the rules it follows, the periods,
 * and the shaping of its figures into chart series. Pure: safe on the client.
 *
 * Scope: incidents of services owned by the team (and the teams nested under
 * it), counted in the period bucket in which they opened. Buckets are ISO
 * weeks (Monday first) or calendar months, UTC; the bucket holding `now` is
 * not over and is drawn apart ("so far"), as on the DORA trends.
 *
 * The times follow a postmortem's own milestones (lib/postmortems/milestones.ts),
 * over what an aggregate can read:
 * - Detected: the earlier of the incident's opening and the first transition to
 *   ALARM of an alarm linked to it (IncidentAlarm) in the DETECTION_LOOKBACK_HOURS
 *   up to its opening. Start of impact: the postmortem's, when a person set it
 *   (Postmortem.impactStartedAt), else the detection.
 * - Time to detect (TTD): detected − start of impact, only where the start was
 *   set (else the first sign of impact is the detection itself: unknown, left
 *   out, never counted as 0).
 * - Time to acknowledge (TTA): acknowledgedAt − detected, incidents acknowledged.
 * - Time to recover (TTR): resolvedAt − start of impact, incidents resolved.
 *   Ends in the wrong order (only a start set by hand can cause it) are left out.
 *   Each is a median (percentile_cont, the same interpolation as the DORA
 *   figures) with its sample size; below INSIGHT_MIN_SAMPLES it is marked low.
 * - Repeat incident: another incident opened in the REPEAT_WINDOW_DAYS
 *   (inclusive) before it on the same service, or sharing one of its alarms,
 *   wherever that one is (before the period, in another team). At the same
 *   instant, the lower id came first.
 * - Attributed to a deployment: Incident.deploymentId is set (by hand or by the
 *   attribution rule).
 * - Action items (scope: the item's team): completion per bucket of creation
 *   (done, won't do, still open today); time to complete = completedAt −
 *   createdAt of the done ones (median). Open items (OPEN, IN_PROGRESS) by age
 *   (now − createdAt); overdue = open with dueAt before now.
 *
 * Shares are null when there is nothing to divide by: "no data" is not 0.
 */
import { z } from "zod";
import { SEVERITIES, type TSeverity } from "@/lib/incidents/schemas";

export const REPEAT_WINDOW_DAYS = 30;
export const DETECTION_LOOKBACK_HOURS = 24;
export const INSIGHT_MIN_SAMPLES = 5;
/** Open action items' age bands, in days: [0, 30), [30, 90), [90, 180), 180 and over. */
export const AGE_BAND_DAYS = [30, 90, 180] as const;
export const AGE_BAND_LABELS = ["Under 30 days", "30 to 89 days", "90 to 179 days", "180 days or more"] as const;

const DAY_MS = 86_400_000;

export const INSIGHT_PERIODS = {
  "12w": { label: "Last 12 weeks", bucket: "week", count: 12 },
  "6m": { label: "Last 6 months", bucket: "month", count: 6 },
  "12m": { label: "Last 12 months", bucket: "month", count: 12 },
} as const satisfies Record<string, { label: string; bucket: "week" | "month"; count: number }>;
export type TInsightPeriod = keyof typeof INSIGHT_PERIODS;
export const INSIGHT_PERIOD_KEYS = Object.keys(INSIGHT_PERIODS) as TInsightPeriod[];
export const DEFAULT_INSIGHT_PERIOD: TInsightPeriod = "6m";

/** The insights page's filters (URL search parameters). */
export const ZInsightsQuerySchema = z
  .object({
    team: z.string().trim().min(1).max(100).optional(),
    period: z.enum(INSIGHT_PERIOD_KEYS as [TInsightPeriod, ...TInsightPeriod[]]).default(DEFAULT_INSIGHT_PERIOD),
  })
  .strict();
export type TInsightsQuery = z.infer<typeof ZInsightsQuerySchema>;

export interface TInsightBucket {
  /** ISO timestamps, from inclusive, to exclusive. */
  from: string;
  to: string;
  /** "Nov 3" for weeks, "Nov 2026" for months. */
  label: string;
  /** Not over at `now` (the current week or month): its counts are so far. */
  isPartial: boolean;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The period's buckets, oldest first, the last one holding `now`. */
export function insightBuckets(period: TInsightPeriod, now: Date): TInsightBucket[] {
  const { bucket, count } = INSIGHT_PERIODS[period];
  const today = Math.floor(now.getTime() / DAY_MS);
  const ranges: [number, number][] = [];
  if (bucket === "week") {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    const monday = today - ((today + 3) % 7);
    for (let i = count - 1; i >= 0; i--) ranges.push([(monday - 7 * i) * DAY_MS, (monday - 7 * i + 7) * DAY_MS]);
  } else {
    const y = now.getUTCFullYear();
    const m = now.getUTCMonth();
    for (let i = count - 1; i >= 0; i--) ranges.push([Date.UTC(y, m - i, 1), Date.UTC(y, m - i + 1, 1)]);
  }
  return ranges.map(([from, to]) => {
    const start = new Date(from);
    const label = bucket === "week" ? `${MONTHS[start.getUTCMonth()]} ${start.getUTCDate()}` : `${MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()}`;
    return { from: start.toISOString(), to: new Date(to).toISOString(), label, isPartial: to > now.getTime() };
  });
}

/** The buckets' edges, oldest first (one more than there are buckets), for width_bucket in SQL. */
export function bucketEdges(buckets: readonly TInsightBucket[]): Date[] {
  if (buckets.length === 0) return [];
  return [...buckets.map((b) => new Date(b.from)), new Date(buckets.at(-1)!.to)];
}

// ───────────────────────────── Repeat incidents ─────────────────────────────

export interface TRepeatCandidate {
  id: number;
  serviceId: number;
  openedAt: Date;
  alarmIds: readonly number[];
}

/** Whether `a` opened before `b`: earlier, or at the same instant with the lower id. */
function isBefore(a: TRepeatCandidate, b: TRepeatCandidate): boolean {
  const d = a.openedAt.getTime() - b.openedAt.getTime();
  return d < 0 || (d === 0 && a.id < b.id);
}

/**
 * The ids of the repeat incidents among `incidents` (the whole history the
 * rule may look at): one whose service, or one of whose alarms, had another
 * incident open in the REPEAT_WINDOW_DAYS before it. The most recent earlier
 * incident per service and per alarm decides, so this is O(n log n).
 */
export function repeatIncidentIds(incidents: readonly TRepeatCandidate[]): Set<number> {
  const ordered = [...incidents].sort((a, b) => (isBefore(a, b) ? -1 : isBefore(b, a) ? 1 : 0));
  const lastByService = new Map<number, number>();
  const lastByAlarm = new Map<number, number>();
  const repeats = new Set<number>();
  const window = REPEAT_WINDOW_DAYS * DAY_MS;
  for (const incident of ordered) {
    const at = incident.openedAt.getTime();
    const previous = [lastByService.get(incident.serviceId), ...incident.alarmIds.map((a) => lastByAlarm.get(a))];
    if (previous.some((p) => p !== undefined && at - p <= window)) repeats.add(incident.id);
    lastByService.set(incident.serviceId, at);
    for (const alarmId of incident.alarmIds) lastByAlarm.set(alarmId, at);
  }
  return repeats;
}

// ───────────────────────────── Figures ─────────────────────────────

export interface TTimeFigure {
  /** Incidents (or items) where the time is known. */
  n: number;
  /** Seconds; null when n is 0. */
  median: number | null;
  isLowSample: boolean;
}

/** Timestamps are stored to the millisecond: so are the figures (percentile_cont's float noise dropped). */
const toMs = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 1000) / 1000);

export function timeFigure(n: number, median: number | null): TTimeFigure {
  return { n, median: n === 0 ? null : toMs(median), isLowSample: n < INSIGHT_MIN_SAMPLES };
}

export interface TIncidentFigures {
  incidents: number;
  ttd: TTimeFigure;
  tta: TTimeFigure;
  ttr: TTimeFigure;
  repeats: number;
  attributed: number;
}

export const EMPTY_INCIDENT_FIGURES: TIncidentFigures = {
  incidents: 0,
  ttd: timeFigure(0, null),
  tta: timeFigure(0, null),
  ttr: timeFigure(0, null),
  repeats: 0,
  attributed: 0,
};

export interface TCompletionFigures {
  created: number;
  done: number;
  wontDo: number;
  /** OPEN or IN_PROGRESS today. */
  open: number;
  /** completedAt − createdAt of the done ones. */
  timeToComplete: TTimeFigure;
}

export const EMPTY_COMPLETION_FIGURES: TCompletionFigures = { created: 0, done: 0, wontDo: 0, open: 0, timeToComplete: timeFigure(0, null) };

export interface TTeamRef {
  slug: string;
  name: string;
}

export interface TPostmortemInsights {
  period: TInsightPeriod;
  /** The team in scope (with its nested teams); null: the organisation. */
  team: TTeamRef | null;
  generatedAt: string;
  buckets: TInsightBucket[];
  incidents: {
    total: TIncidentFigures;
    /** Per bucket, oldest first. */
    byBucket: TIncidentFigures[];
    /** Per severity, per bucket. */
    byBucketSeverity: Record<TSeverity, TIncidentFigures[]>;
    /** Incidents per severity over the whole period. */
    bySeverity: Record<TSeverity, number>;
    /** The owning team of each incident's service, most incidents first. */
    byTeam: { team: TTeamRef; figures: TIncidentFigures }[];
  };
  actionItems: {
    /** Items created in the period. */
    total: TCompletionFigures;
    /** Per bucket of creation. */
    byBucket: TCompletionFigures[];
    /** Open now, whenever created. */
    open: { total: number; overdue: number; byAge: number[] };
    /** Teams with open items, most overdue first. */
    byTeam: { team: TTeamRef; open: number; overdue: number; oldestOpenSeconds: number | null }[];
  };
}

/** numerator / denominator, or null when there is nothing to divide by. */
export function share(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** The age band (index into AGE_BAND_LABELS) of an open item created `ageSeconds` ago. */
export function ageBand(ageSeconds: number): number {
  const days = ageSeconds / 86_400;
  const index = AGE_BAND_DAYS.findIndex((limit) => days < limit);
  return index === -1 ? AGE_BAND_DAYS.length : index;
}

// ───────────────────────────── Chart series ─────────────────────────────

export interface TChartSeriesShape {
  key: string;
  label: string;
  /** Per bucket, oldest first; null: no data (the line breaks, never drops to 0). */
  values: (number | null)[];
  /** The sample size behind each value. */
  samples: number[];
}

export interface TChartShape {
  labels: string[];
  partial: boolean[];
  unit: string;
  series: TChartSeriesShape[];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The unit that reads well on an axis for durations up to `maxSeconds`. */
export function durationUnit(maxSeconds: number): { unit: string; seconds: number } {
  if (maxSeconds >= 3 * 86_400) return { unit: "days", seconds: 86_400 };
  if (maxSeconds >= 2 * 3_600) return { unit: "hours", seconds: 3_600 };
  return { unit: "minutes", seconds: 60 };
}

export const RESPONSE_METRICS = {
  ttd: { label: "Time to detect", short: "TTD" },
  tta: { label: "Time to acknowledge", short: "TTA" },
  ttr: { label: "Time to recover", short: "TTR" },
} as const;
export type TResponseMetric = keyof typeof RESPONSE_METRICS;

/** One metric's median per bucket, one series per severity with incidents in the period (all severities when none has). */
export function responseTimeChart(insights: TPostmortemInsights, metric: TResponseMetric): TChartShape {
  const present = SEVERITIES.filter((s) => insights.incidents.bySeverity[s] > 0);
  const severities = present.length > 0 ? present : [...SEVERITIES];
  const figures = severities.map((s) => insights.incidents.byBucketSeverity[s].map((f) => f[metric]));
  const max = Math.max(0, ...figures.flat().map((f) => f.median ?? 0));
  const { unit, seconds } = durationUnit(max);
  return {
    labels: insights.buckets.map((b) => b.label),
    partial: insights.buckets.map((b) => b.isPartial),
    unit,
    series: severities.map((severity, i) => ({
      key: severity,
      label: severity,
      values: figures[i]!.map((f) => (f.median === null ? null : round(f.median / seconds))),
      samples: figures[i]!.map((f) => f.n),
    })),
  };
}

/** Per bucket: the share of incidents that were repeats, and the share attributed to a deployment, in %. */
export function incidentShareChart(insights: TPostmortemInsights): TChartShape {
  const percent = (n: number, d: number) => {
    const s = share(n, d);
    return s === null ? null : round(s * 100);
  };
  const byBucket = insights.incidents.byBucket;
  return {
    labels: insights.buckets.map((b) => b.label),
    partial: insights.buckets.map((b) => b.isPartial),
    unit: "%",
    series: [
      { key: "repeats", label: "Repeat incidents", values: byBucket.map((f) => percent(f.repeats, f.incidents)), samples: byBucket.map((f) => f.incidents) },
      { key: "attributed", label: "Attributed to a deployment", values: byBucket.map((f) => percent(f.attributed, f.incidents)), samples: byBucket.map((f) => f.incidents) },
    ],
  };
}

/** Incidents per bucket, one series per severity (counts: a bucket with none is 0, not "no data"). */
export function incidentCountChart(insights: TPostmortemInsights): TChartShape {
  return {
    labels: insights.buckets.map((b) => b.label),
    partial: insights.buckets.map((b) => b.isPartial),
    unit: "incidents",
    series: SEVERITIES.map((severity) => {
      const counts = insights.incidents.byBucketSeverity[severity].map((f) => f.incidents);
      return { key: severity, label: severity, values: counts, samples: counts };
    }),
  };
}

/** Action items per bucket of creation, by what became of them: done, won't do, still open. */
export function completionChart(insights: TPostmortemInsights): TChartShape {
  const byBucket = insights.actionItems.byBucket;
  const created = byBucket.map((f) => f.created);
  return {
    labels: insights.buckets.map((b) => b.label),
    partial: insights.buckets.map((b) => b.isPartial),
    unit: "action items",
    series: [
      { key: "done", label: "Done", values: byBucket.map((f) => f.done), samples: created },
      { key: "wontDo", label: "Won't do", values: byBucket.map((f) => f.wontDo), samples: created },
      { key: "open", label: "Still open", values: byBucket.map((f) => f.open), samples: created },
    ],
  };
}
