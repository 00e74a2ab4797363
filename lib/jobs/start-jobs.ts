import "server-only";
import type PgBoss from "pg-boss";
import type { TSyncAlarmsOptions } from "@/lib/alarms/server/sync-alarms";
import { env } from "@/lib/env";
import { createBoss } from "@/lib/jobs/boss";
import { cloudWatchJobs, codePipelineJobs, xrayJobs } from "@/lib/jobs/collectors";
import { PRUNE_EVENT_RECEIPTS, pruneEventReceipts } from "@/lib/jobs/prune-event-receipts";
import { stopOnSignals } from "@/lib/jobs/stop-on-signals";
import { log } from "@/lib/log";
import type { TSyncPipelinesOptions } from "@/lib/pipelines/server/sync-pipelines";
import { rollUpGraphBuckets } from "@/lib/servicemap/server/roll-up-graph-buckets";
import type { TSyncXrayOptions } from "@/lib/servicemap/server/sync-xray";

/** The CodePipeline collector's client and rotation (tests). */
export type TCollectOptions = Pick<TSyncPipelinesOptions, "createClient" | "definitionRefreshRounds">;
export type TCollectCloudWatchOptions = Pick<TSyncAlarmsOptions, "createClient">;
export type TCollectXrayOptions = Pick<TSyncXrayOptions, "createClient">;

export interface TStartJobsOptions extends TCollectOptions {
  /** Take jobs off the queues in this process (default true). */
  isWorking?: boolean;
  /** Register the schedules and plan a first round of syncs now (default true). */
  isScheduling?: boolean;
  /** Defaults to PORTSIDE_SYNC_INTERVAL_MINUTES. */
  intervalMinutes?: number;
  /** Account × region syncs run at once in this process. */
  collectConcurrency?: number;
  /** The alarm collector's client (tests). */
  cloudwatch?: TCollectCloudWatchOptions;
  /** The X-Ray collector's client (tests). */
  xray?: TCollectXrayOptions;
}

export interface TJobs {
  boss: PgBoss;
  /** Stops taking jobs, lets running ones finish (up to 20 s; what is left is failed, to be retried), closes the queue's connections. */
  stop(): Promise<void>;
}

const DEFAULT_COLLECT_CONCURRENCY = 2;

/** Housekeeping on a cron: one run at a time across all instances. */
const MAINTENANCE_JOBS: { queue: PgBoss.Queue; cron: string; run(): Promise<unknown> }[] = [
  // Daily: event receipts past their use for deduplication.
  { queue: { name: PRUNE_EVENT_RECEIPTS, policy: "singleton", retryLimit: 1 }, cron: "17 3 * * *", run: async () => ({ deleted: await pruneEventReceipts() }) },
  // Hourly: 5-minute service-graph buckets past PORTSIDE_XRAY_RAW_RETENTION_HOURS roll up into their hours.
  {
    queue: { name: "roll-up-graph-buckets", policy: "singleton", retryLimit: 1, expireInSeconds: 30 * 60 },
    cron: "7 * * * *",
    run: async () => ({ deleted: await rollUpGraphBuckets() }),
  },
];

/**
 * Starts pg-boss on the portal's database: its queues, the schedules (every
 * few minutes each collector's planning job enqueues one sync per account ×
 * region, lib/jobs/collectors.ts; housekeeping on its cron) and the workers.
 * Several portal instances share the queues: each job runs once, wherever a
 * worker is free.
 */
export async function startJobs(options: TStartJobsOptions = {}): Promise<TJobs> {
  const boss = createBoss();
  await boss.start();
  const isWorking = options.isWorking ?? true;
  const isScheduling = options.isScheduling ?? true;
  for (const job of MAINTENANCE_JOBS) {
    // createQueue keeps an existing queue as it is; updateQueue brings its options up to date.
    await boss.createQueue(job.queue.name, job.queue);
    await boss.updateQueue(job.queue.name, job.queue);
    if (isWorking) await boss.work(job.queue.name, { batchSize: 1 }, job.run);
    if (isScheduling) await boss.schedule(job.queue.name, job.cron);
  }
  const collectorOptions = {
    isWorking,
    isScheduling,
    intervalMinutes: options.intervalMinutes ?? env().PORTSIDE_SYNC_INTERVAL_MINUTES,
    concurrency: options.collectConcurrency ?? DEFAULT_COLLECT_CONCURRENCY,
  };
  await codePipelineJobs.register(boss, { ...collectorOptions, collect: { createClient: options.createClient, definitionRefreshRounds: options.definitionRefreshRounds } });
  await cloudWatchJobs.register(boss, { ...collectorOptions, collect: options.cloudwatch });
  await xrayJobs.register(boss, { ...collectorOptions, collect: options.xray });
  return {
    boss,
    async stop() {
      await boss.stop({ graceful: true, timeout: 20_000, wait: true });
    },
  };
}

const globalForJobs = globalThis as unknown as { portsideJobs?: Promise<TJobs | null> };

/**
 * For the server process (instrumentation.ts): starts the jobs once, when
 * the collectors are enabled, and stops them on SIGTERM or SIGINT before the process exits.
 */
export function startJobWorkers(): Promise<TJobs | null> {
  globalForJobs.portsideJobs ??= (async () => {
    if (!env().isCollectorsEnabled) return null;
    const jobs = await startJobs();
    log.info({ intervalMinutes: env().PORTSIDE_SYNC_INTERVAL_MINUTES }, "collectors started");
    stopOnSignals(() => jobs.stop());
    return jobs;
  })().catch((error: unknown) => {
    // The portal still serves pages and events; syncs resume at the next start.
    log.error({ err: error }, "could not start the collectors");
    return null;
  });
  return globalForJobs.portsideJobs;
}
