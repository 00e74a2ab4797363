import "server-only";
import type PgBoss from "pg-boss";
import { z } from "zod";
import type { TInstrumentable, TSyncStats } from "@/lib/aws/clients";
import type { TSyncStatus } from "@/lib/aws/fan-out";
import { runCollector, type TCollector, type TRunCollectorOptions } from "@/lib/aws/server/run-collector";
import { getPool } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { everyMinutes } from "@/lib/jobs/boss";
import { log } from "@/lib/log";

const ZCollectJob = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  /** The day's full refresh (see isFullRefreshDue), for a collector that has one. */
  isFullRefresh: z.boolean().optional(),
});
export type TCollectJob = z.infer<typeof ZCollectJob>;

export function singletonKey(job: Pick<TCollectJob, "accountId" | "region">): string {
  return `${job.accountId}:${job.region}`;
}

export interface TPlanOptions {
  /** When the plan runs: the first plan of each UTC day asks for a full refresh. */
  now: Date;
  intervalMinutes: number;
}

/**
 * Whether the syncs planned at `now` are the day's full refresh (the first
 * plan of each UTC day): for a collector with one, everything is read again
 * whatever its versions and times say, on top of the rotation that re-reads
 * a slice each sync, so nothing stays stale for more than a day.
 */
export function isFullRefreshDue({ now, intervalMinutes }: TPlanOptions): boolean {
  const minuteOfDay = now.getUTCHours() * 60 + now.getUTCMinutes();
  return minuteOfDay < intervalMinutes;
}

export interface TCollectorJobsDefinition<TClient extends TInstrumentable, TStored, TResult, TWritten, TTuning> {
  /** The queues' names: collect-<name> and plan-<name>-syncs. */
  name: string;
  collector: TCollector<TClient, TStored, TResult, TWritten, TTuning>;
  /** Tuning for the day's full refresh; a collector without one plans plain syncs only. */
  fullRefresh?: Partial<TTuning>;
  /** What of the stored outcome goes into the job's output and log line (kept small: pg-boss keeps it); nothing when absent. */
  summarize?: (written: TWritten) => unknown;
}

export interface TRegisterCollectorJobsOptions<TClient, TTuning> {
  isWorking: boolean;
  isScheduling: boolean;
  intervalMinutes: number;
  /** Account × region syncs of this collector run at once in this process. */
  concurrency: number;
  /** Injected client and tuning (tests). */
  collect?: TRunCollectorOptions<TClient, TTuning>;
}

/** What a job returns: the account × region, how its sync went, and the collector's summary of what it stored. */
export interface TCollectJobOutput {
  accountId: string;
  region: string;
  status: TSyncStatus | "SKIPPED";
  error?: string | null;
  durationMs?: number;
  stats?: TSyncStats;
  stored?: unknown;
}

export interface TCollectorJobs<TClient, TTuning> {
  name: string;
  collectQueue: string;
  planQueue: string;
  queues: PgBoss.Queue[];
  /** Enqueues one sync per registered account × region; one already waiting is not doubled. Returns how many were sent. */
  plan(boss: PgBoss, options: TPlanOptions): Promise<number>;
  /** Runs one account × region sync (a job's data); returns a summary as the job's output. */
  collect(data: unknown, options?: TRunCollectorOptions<TClient, TTuning>): Promise<TCollectJobOutput>;
  /** The collector's queues, workers and schedule, beside the others in startJobs. */
  register(boss: PgBoss, options: TRegisterCollectorJobsOptions<TClient, TTuning>): Promise<void>;
}

/**
 * One collector on the job queue: every few minutes a planning job enqueues
 * one sync per registered account × region, and workers run them. The
 * collect queue is "stately": at most one job per account × region waiting
 * and one running, so runs of the same account × region never overlap (the
 * collectors' cursors assume it) and a slow one does not pile up a backlog.
 * Retries (with backoff) are for the job failing as a whole, such as the
 * database being away; an AWS failure is recorded on the run (SyncRun) and
 * the next schedule tries again.
 */
export function collectorJobs<TClient extends TInstrumentable, TStored, TResult, TWritten, TTuning>(
  definition: TCollectorJobsDefinition<TClient, TStored, TResult, TWritten, TTuning>,
): TCollectorJobs<TClient, TTuning> {
  const { name, collector, fullRefresh, summarize } = definition;
  const collectQueue = `collect-${name}`;
  const planQueue = `plan-${name}-syncs`;
  const queues: PgBoss.Queue[] = [
    // A first sync of a large region reads thousands of resources at AWS's rate limits.
    { name: collectQueue, policy: "stately", retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 30 * 60 },
    { name: planQueue, policy: "singleton", retryLimit: 0, expireInSeconds: 60 },
  ];

  async function plan(boss: PgBoss, options: TPlanOptions): Promise<number> {
    const { rows } = await getPool().query<{ accountId: string; regions: string[] }>(`SELECT "accountId", regions FROM "AwsAccount" ORDER BY "accountId"`);
    const isFullRefresh = fullRefresh !== undefined && isFullRefreshDue(options);
    let sent = 0;
    for (const { accountId, regions } of rows) {
      for (const region of regions) {
        const job: TCollectJob = { accountId, region, ...(isFullRefresh ? { isFullRefresh } : {}) };
        if (await boss.send(collectQueue, job, { singletonKey: singletonKey(job) })) sent += 1;
      }
    }
    return sent;
  }

  async function collect(data: unknown, options: TRunCollectorOptions<TClient, TTuning> = {}): Promise<TCollectJobOutput> {
    const { isFullRefresh, ...job } = ZCollectJob.parse(data);
    const label = collector.reader.label;
    try {
      const [outcome] = await runCollector(collector, { ...options, ...(isFullRefresh ? fullRefresh : {}), ...job });
      if (!outcome) return { ...job, status: "SKIPPED" };
      const stored = summarize && outcome.stored ? { stored: summarize(outcome.stored) } : {};
      log.info({ ...job, status: outcome.status, durationMs: outcome.durationMs, ...outcome.stats, ...stored }, `${label} ${outcome.status.toLowerCase()}`);
      return { ...job, status: outcome.status, error: outcome.error, durationMs: outcome.durationMs, stats: outcome.stats, ...stored };
    } catch (error) {
      // The account or region was removed after the job was planned: nothing to do.
      if (isAppError(error) && error.code === "NOT_FOUND") {
        log.info({ ...job }, `${label} skipped: ${error.message}`);
        return { ...job, status: "SKIPPED" };
      }
      throw error;
    }
  }

  async function register(boss: PgBoss, options: TRegisterCollectorJobsOptions<TClient, TTuning>): Promise<void> {
    for (const queue of queues) {
      // createQueue keeps an existing queue as it is; updateQueue brings its options up to date.
      await boss.createQueue(queue.name, queue);
      await boss.updateQueue(queue.name, queue);
    }
    if (options.isWorking) {
      for (let i = 0; i < options.concurrency; i++) {
        await boss.work(collectQueue, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => (job ? collect(job.data, options.collect) : null));
      }
      await boss.work(planQueue, { batchSize: 1 }, async () => ({ sent: await plan(boss, { now: new Date(), intervalMinutes: options.intervalMinutes }) }));
    }
    if (options.isScheduling) {
      await boss.schedule(planQueue, everyMinutes(options.intervalMinutes));
      // A fresh start syncs now rather than at the next tick; an instance already running one is not doubled.
      await plan(boss, { now: new Date(), intervalMinutes: options.intervalMinutes });
    }
  }

  return { name, collectQueue, planQueue, queues, plan, collect, register };
}
