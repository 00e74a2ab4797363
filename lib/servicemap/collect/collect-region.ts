/**
 * X-Ray collection for one account × region (the fan-out over accounts and
 * regions is lib/aws/fan-out.ts's). Reads AWS only: what to store comes back as plain data; where the last run
 * stopped comes in as plain data (no database here).
 */
import { XRayClient } from "@aws-sdk/client-xray";
import { describeAwsError, type TSyncStats } from "@/lib/aws/clients";
import { mapWithConcurrency, type TRegionReader } from "@/lib/aws/fan-out";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { BUCKET_SECONDS, type TGraphBucket, type TTraceSummaryRecord, type TXrayGroup } from "@/lib/servicemap/collect/types";
import { listGroups, readServiceGraph, readTraceSummaries } from "@/lib/servicemap/collect/xray";

const BUCKET_MS = BUCKET_SECONDS * 1000;

export const DEFAULT_COLLECT_TUNING = {
  /** X-Ray needs a little time to process segments: buckets ending within this many ms of now wait for the next run. */
  lagMs: 2 * 60_000,
  /** How far back the first run of a group reads. */
  backfillMs: 3 * 3600_000,
  /** Buckets read per group per run at most (a run catching up after downtime resumes next time). */
  maxBucketsPerRun: 72,
  /** Buckets read at the same time (X-Ray's GetServiceGraph allows a few requests a second). */
  bucketConcurrency: 2,
  slowSeconds: 1,
  maxTracePages: 5,
};

export type TCollectTuning = typeof DEFAULT_COLLECT_TUNING;

export interface TRegionCursors {
  /** Per group: the end of the last bucket stored. */
  graphs: ReadonlyMap<string, Date>;
  /** The end of the last trace-summary window read. */
  traces: Date | null;
}

export interface TGroupGraph {
  group: TXrayGroup;
  /** The buckets read cover [from, to), empty buckets included (they have no nodes). */
  from: Date;
  to: Date;
  buckets: TGraphBucket[];
}

export interface TCollectRegionResult {
  accountId: string;
  region: string;
  graphs: TGroupGraph[];
  traces: { from: Date; to: Date; summaries: TTraceSummaryRecord[] } | null;
  /** Groups (or the trace read, as "traces") that failed while the rest went through. */
  failures: { part: string; error: string }[];
  stats: TSyncStats;
}

export interface TCollectRegionOptions extends Partial<TCollectTuning> {
  client: XRayClient;
  accountId: string;
  region: string;
  stats: TSyncStats;
  cursors?: TRegionCursors;
  now?: Date;
}

const floorBucket = (ms: number) => Math.floor(ms / BUCKET_MS) * BUCKET_MS;

/** The buckets [from, to) a group reads this run: from its cursor (or the backfill) up to the last bucket X-Ray has finished. */
export function bucketRange(cursor: Date | undefined, now: Date, tuning: Pick<TCollectTuning, "lagMs" | "backfillMs" | "maxBucketsPerRun">): { from: Date; to: Date } {
  const end = floorBucket(now.getTime() - tuning.lagMs);
  const earliest = floorBucket(now.getTime() - tuning.backfillMs);
  // A cursor older than the backfill (a long outage) resumes at the backfill: X-Ray keeps 30 days, the portal does not need them all.
  const from = Math.max(cursor ? floorBucket(cursor.getTime()) : earliest, earliest);
  const to = Math.min(end, from + tuning.maxBucketsPerRun * BUCKET_MS);
  return { from: new Date(from), to: new Date(Math.max(from, to)) };
}

/**
 * Reads every group's service graph in 5-minute buckets since its cursor,
 * and the trace summaries worth keeping since the trace cursor. A group that
 * fails is reported and the others still come back; a failure to list the
 * groups fails the region (UPSTREAM).
 */
export async function collectRegion(options: TCollectRegionOptions): Promise<TCollectRegionResult> {
  const tuning: TCollectTuning = { ...DEFAULT_COLLECT_TUNING, ...Object.fromEntries(Object.entries(options).filter(([k, v]) => k in DEFAULT_COLLECT_TUNING && v !== undefined)) };
  const { client, accountId, region, stats } = options;
  const now = options.now ?? new Date();
  let groups: TXrayGroup[];
  try {
    groups = await listGroups(client);
  } catch (error) {
    throw new AppError("UPSTREAM", `Could not list X-Ray groups in account ${accountId}, region ${region}: ${describeAwsError(error)}`, {
      cause: error,
      details: { accountId, region, operation: "GetGroups" },
    });
  }

  const result: TCollectRegionResult = { accountId, region, graphs: [], traces: null, failures: [], stats };
  for (const group of groups) {
    const { from, to } = bucketRange(options.cursors?.graphs.get(group.name), now, tuning);
    const starts: Date[] = [];
    for (let t = from.getTime(); t < to.getTime(); t += BUCKET_MS) starts.push(new Date(t));
    try {
      const buckets = await mapWithConcurrency(starts, tuning.bucketConcurrency, (start) => readServiceGraph({ client, start, seconds: BUCKET_SECONDS, group }));
      result.graphs.push({ group, from, to, buckets });
    } catch (error) {
      log.warn({ err: error, accountId, region, group: group.name }, "X-Ray service graph read of one group failed");
      result.failures.push({ part: `group ${group.name}`, error: describeAwsError(error) });
    }
  }

  const traceFrom = new Date(Math.max(options.cursors?.traces?.getTime() ?? 0, floorBucket(now.getTime() - tuning.backfillMs)));
  const traceTo = new Date(floorBucket(now.getTime() - tuning.lagMs));
  if (traceFrom < traceTo) {
    try {
      const summaries = await readTraceSummaries({ client, start: traceFrom, end: traceTo, slowSeconds: tuning.slowSeconds, maxPages: tuning.maxTracePages });
      result.traces = { from: traceFrom, to: traceTo, summaries };
    } catch (error) {
      log.warn({ err: error, accountId, region }, "X-Ray trace summaries read failed");
      result.failures.push({ part: "traces", error: describeAwsError(error) });
    }
  }
  return result;
}

/** The collector's knobs (lib/aws/server/run-collector.ts passes them through). */
export type TXrayTuning = Partial<TCollectTuning> & { now?: Date };

/** X-Ray as the generic collector reads it (lib/aws/fan-out.ts): one account × region's service graphs and trace summaries since its cursors. */
export const xrayReader: TRegionReader<XRayClient, TRegionCursors, TCollectRegionResult, TXrayTuning> = {
  label: "X-Ray sync",
  clientClass: XRayClient,
  read: ({ client, accountId, region, stats, stored, tuning }) => collectRegion({ ...tuning, client, accountId, region, stats, cursors: stored }),
  describeProblems: (result) => (result.failures.length > 0 ? result.failures.map((f) => `${f.part}: ${f.error}`).join("; ") : null),
};
