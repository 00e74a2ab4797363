/**
 * The five DORA metrics, defined once as pure functions (docs/metrics.md
 * says the same in words, with worked examples). Two steps:
 *
 * 1. deriveFacts: raw deployments, commits and incidents → one fact per
 *    finished deployment (is it a change failure, is it rework, how long
 *    its recovery took, the lead times of the commits it first brought to
 *    production). The database keeps the same facts current with triggers
 *    (dora_fact_rows in prisma/sql/dora/20-facts.sql); the integration test
 *    holds the two to each other.
 * 2. aggregate + metricsFromAggregate: facts of a window → figures. The fast
 *    path builds the same aggregate from rollups, with histograms where this
 *    file keeps exact values.
 *
 * Times are epoch milliseconds; durations whole seconds (floored).
 */
import { bandFor, frequencyBandFor, type TBandYear } from "@/lib/dora/bands";
import type { TDoraMetrics, TFigure } from "@/lib/dora/schemas";
import { denseHistogram, quantile, quantileFromDense, type TDenseHistogram } from "@/lib/dora/stats";
import { dayOf, dayToIso, fullWeeks, windowDays, type TDayWindow } from "@/lib/dora/windows";

export type TDeploymentStatus = "SUCCEEDED" | "FAILED" | "ROLLED_BACK" | "IN_PROGRESS";

export interface TRawDeployment {
  id: number;
  serviceId: number;
  environment: string;
  status: TDeploymentStatus;
  startedAt: number;
  finishedAt: number | null;
  isPlanned: boolean;
  fixesIncidentRef: string | null;
}

export interface TRawChange {
  deploymentId: number;
  sha: string;
  committedAt: number | null;
  authoredAt: number | null;
}

export interface TRawIncident {
  id: number;
  serviceId: number;
  openedAt: number;
  resolvedAt: number | null;
  /** The attribution: the deployment the incident is blamed on. */
  deploymentId: number | null;
  /** false: explicitly not caused by a change (left out of fail rate and recovery). */
  causedByChange: boolean | null;
}

export interface TDeploymentFact {
  deploymentId: number;
  serviceId: number;
  environment: string;
  /** UTC day of finishedAt: the day every figure counts the deployment on. */
  day: number;
  isFailure: boolean;
  isRework: boolean;
  /** Seconds from failure to recovery; null when not a failure or not recovered yet. */
  recoverySeconds: number | null;
  isUnrecovered: boolean;
  isSucceeded: boolean;
  /** Lead times (seconds) of the commits this deployment first brought to production, known times only. */
  leadSeconds: number[];
  /** Commits it first brought whose time is unknown. */
  leadUnknown: number;
}

const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));
const isFailedStatus = (s: TDeploymentStatus) => s === "FAILED" || s === "ROLLED_BACK";
/** Order of deployments within a service and environment: finish time, then id. */
const before = (a: TRawDeployment, b: TRawDeployment) => a.finishedAt! - b.finishedAt! || a.id - b.id;

export function deriveFacts(input: { deployments: readonly TRawDeployment[]; changes: readonly TRawChange[]; incidents: readonly TRawIncident[] }): TDeploymentFact[] {
  const finished = input.deployments.filter((d) => d.finishedAt !== null);
  const byId = new Map(finished.map((d) => [d.id, d]));

  const attributed = new Map<number, TRawIncident[]>();
  for (const i of input.incidents) {
    if (i.deploymentId === null || i.causedByChange === false) continue;
    attributed.set(i.deploymentId, [...(attributed.get(i.deploymentId) ?? []), i]);
  }
  const resolvedByService = new Map<number, TRawIncident[]>();
  for (const i of input.incidents) {
    if (i.resolvedAt === null) continue;
    resolvedByService.set(i.serviceId, [...(resolvedByService.get(i.serviceId) ?? []), i]);
  }

  const streams = new Map<string, TRawDeployment[]>();
  for (const d of finished) {
    const key = `${d.serviceId}\u0000${d.environment}`;
    streams.set(key, [...(streams.get(key) ?? []), d]);
  }
  for (const s of streams.values()) s.sort(before);
  const streamOf = (d: TRawDeployment) => streams.get(`${d.serviceId}\u0000${d.environment}`)!;

  // A commit is first brought to production by the earliest succeeded deployment of its service (and environment) that carries it.
  const firstBy = new Map<string, TRawDeployment>();
  const changesOf = new Map<number, TRawChange[]>();
  for (const c of input.changes) {
    const d = byId.get(c.deploymentId);
    if (!d) continue;
    changesOf.set(d.id, [...(changesOf.get(d.id) ?? []), c]);
    if (d.status !== "SUCCEEDED") continue;
    const key = `${d.serviceId}\u0000${d.environment}\u0000${c.sha}`;
    const current = firstBy.get(key);
    if (!current || before(d, current) < 0) firstBy.set(key, d);
  }

  return finished.map((d): TDeploymentFact => {
    const finishedAt = d.finishedAt!;
    const incidents = attributed.get(d.id) ?? [];
    const isFailure = isFailedStatus(d.status) || incidents.length > 0;

    let recoverySeconds: number | null = null;
    let isUnrecovered = false;
    if (incidents.length > 0) {
      const start = Math.min(...incidents.map((i) => i.openedAt));
      if (incidents.every((i) => i.resolvedAt !== null)) recoverySeconds = seconds(Math.max(...incidents.map((i) => i.resolvedAt!)) - start);
      else isUnrecovered = true;
    } else if (isFailure) {
      const next = streamOf(d).find((o) => o.status === "SUCCEEDED" && o.finishedAt! > finishedAt);
      if (next) recoverySeconds = seconds(next.finishedAt! - finishedAt);
      else isUnrecovered = true;
    }

    const isRework =
      !d.isPlanned ||
      d.fixesIncidentRef !== null ||
      (resolvedByService.get(d.serviceId) ?? []).some(
        (i) => Math.min(i.openedAt, i.resolvedAt!) <= Math.min(d.startedAt, finishedAt) && Math.max(d.startedAt, finishedAt) <= Math.max(i.openedAt, i.resolvedAt!),
      );

    const leadSeconds: number[] = [];
    let leadUnknown = 0;
    if (d.status === "SUCCEEDED") {
      for (const c of changesOf.get(d.id) ?? []) {
        if (firstBy.get(`${d.serviceId}\u0000${d.environment}\u0000${c.sha}`) !== d) continue;
        const at = c.committedAt ?? c.authoredAt;
        if (at === null) leadUnknown++;
        else leadSeconds.push(seconds(finishedAt - at));
      }
    }
    return {
      deploymentId: d.id,
      serviceId: d.serviceId,
      environment: d.environment,
      day: dayOf(finishedAt),
      isFailure,
      isRework,
      recoverySeconds,
      isUnrecovered,
      isSucceeded: d.status === "SUCCEEDED",
      leadSeconds: leadSeconds.sort((a, b) => a - b),
      leadUnknown,
    };
  });
}

/** Durations: exact values (raw path) or a histogram of 2% log buckets (fast path), held densely. */
export type TDistribution = { kind: "exact"; values: number[] } | { kind: "histogram"; histogram: TDenseHistogram };

/** Everything the figures of one window need; counts are exact on both paths. */
export interface TDoraAggregate {
  deployments: number;
  failures: number;
  rework: number;
  succeeded: number;
  leadKnownDeployments: number;
  leadUnknownCommits: number;
  unrecovered: number;
  /** Days of the window with at least one deployment. */
  deploymentDays: number;
  /** Per full 7-day period of the window (lib/dora/windows.ts fullWeeks), the days with a deployment. */
  weeklyDeploymentDays: number[];
  lead: TDistribution;
  recovery: TDistribution;
}

export function emptyAggregate(kind: TDistribution["kind"]): TDoraAggregate {
  const dist = (): TDistribution => (kind === "exact" ? { kind, values: [] } : { kind, histogram: denseHistogram() });
  return { deployments: 0, failures: 0, rework: 0, succeeded: 0, leadKnownDeployments: 0, leadUnknownCommits: 0, unrecovered: 0, deploymentDays: 0, weeklyDeploymentDays: [], lead: dist(), recovery: dist() };
}

/** Per full week of the window, how many of its days are among `days`. */
export function weeklyDays(window: TDayWindow, days: ReadonlySet<number>): number[] {
  return fullWeeks(window).map((w) => {
    let n = 0;
    for (let day = w.fromDay; day < w.toDay; day++) if (days.has(day)) n++;
    return n;
  });
}

/** The exact aggregate of the facts that fall in the window. */
export function aggregateFacts(facts: readonly TDeploymentFact[], window: TDayWindow, environment: string): TDoraAggregate {
  const agg = emptyAggregate("exact");
  const days = new Set<number>();
  const lead: number[] = [];
  const recovery: number[] = [];
  for (const f of facts) {
    if (f.environment !== environment || f.day < window.fromDay || f.day >= window.toDay) continue;
    agg.deployments++;
    days.add(f.day);
    if (f.isFailure) agg.failures++;
    if (f.isRework) agg.rework++;
    if (f.isUnrecovered) agg.unrecovered++;
    if (f.recoverySeconds !== null) recovery.push(f.recoverySeconds);
    if (f.isSucceeded) {
      agg.succeeded++;
      if (f.leadSeconds.length > 0) agg.leadKnownDeployments++;
      agg.leadUnknownCommits += f.leadUnknown;
      lead.push(...f.leadSeconds);
    }
  }
  agg.deploymentDays = days.size;
  agg.weeklyDeploymentDays = weeklyDays(window, days);
  agg.lead = { kind: "exact", values: lead };
  agg.recovery = { kind: "exact", values: recovery };
  return agg;
}

function distCount(d: TDistribution): number {
  return d.kind === "exact" ? d.values.length : d.histogram.total;
}

function distQuantile(d: TDistribution, p: number): number | null {
  return d.kind === "exact" ? quantile(d.values, p) : quantileFromDense(d.histogram, p);
}

export interface TFigureOptions {
  bandYear: TBandYear;
  minSamples: number;
}

/** The five figures of one window. No deployment in the window: every value is null (no data, never 0). */
export function metricsFromAggregate(agg: TDoraAggregate, window: TDayWindow, { bandYear, minSamples }: TFigureOptions): TDoraMetrics {
  const days = windowDays(window);
  const hasData = agg.deployments > 0;
  const figure = (value: number | null, sampleSize: number, band: TFigure["band"]) => {
    const isLowSample = sampleSize < minSamples;
    return { value: hasData ? value : null, sampleSize, isLowSample, band: hasData && !isLowSample && value !== null ? band : null, bandYear };
  };

  const medianDays = hasData ? quantile(agg.weeklyDeploymentDays, 0.5) : null;
  const perDay = agg.deployments / days;

  const leadMedian = distQuantile(agg.lead, 0.5);
  const leadSample = distCount(agg.lead);
  const recoveryMedian = distQuantile(agg.recovery, 0.5);
  const recoverySample = distCount(agg.recovery);
  const cfr = hasData ? agg.failures / agg.deployments : null;
  const rework = hasData ? agg.rework / agg.deployments : null;

  return {
    window: { from: dayToIso(window.fromDay), to: dayToIso(window.toDay - 1), days },
    deploymentFrequency: {
      ...figure(perDay, agg.deployments, frequencyBandFor(medianDays, perDay * 30, bandYear)),
      unit: "deployments/day",
      deployments: agg.deployments,
      perWeek: hasData ? perDay * 7 : null,
      deploymentDays: agg.deploymentDays,
      medianDeploymentDaysPerWeek: medianDays,
    },
    leadTime: {
      ...figure(leadMedian, leadSample, bandFor("leadTime", leadMedian, bandYear)),
      unit: "seconds",
      median: hasData ? leadMedian : null,
      p90: hasData ? distQuantile(agg.lead, 0.9) : null,
      unknownCommits: agg.leadUnknownCommits,
      coverage: { known: agg.leadKnownDeployments, deployments: agg.succeeded, ratio: agg.succeeded > 0 ? agg.leadKnownDeployments / agg.succeeded : null },
    },
    changeFailRate: { ...figure(cfr, agg.deployments, bandFor("changeFailRate", cfr, bandYear)), unit: "ratio", numerator: agg.failures, deployments: agg.deployments },
    recoveryTime: {
      ...figure(recoveryMedian, recoverySample, bandFor("recoveryTime", recoveryMedian, bandYear)),
      unit: "seconds",
      median: hasData ? recoveryMedian : null,
      p90: hasData ? distQuantile(agg.recovery, 0.9) : null,
      unrecovered: agg.unrecovered,
    },
    // No published levels for rework: never a band.
    reworkRate: { ...figure(rework, agg.deployments, null), unit: "ratio", numerator: agg.rework, deployments: agg.deployments },
  };
}

/** Raw rows → the five figures of a window, exactly: the reference the fast path is tested against. */
export function computeMetrics(
  input: { deployments: readonly TRawDeployment[]; changes: readonly TRawChange[]; incidents: readonly TRawIncident[] },
  window: TDayWindow,
  options: TFigureOptions & { environment?: string },
): TDoraMetrics {
  const facts = deriveFacts(input);
  return metricsFromAggregate(aggregateFacts(facts, window, options.environment ?? "production"), window, options);
}
