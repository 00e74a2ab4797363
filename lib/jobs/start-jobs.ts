import "server-only";
import type PgBoss from "pg-boss";
import { env } from "@/lib/env";
import { createBoss, everyMinutes } from "@/lib/jobs/boss";
import {
  COLLECT_CODEPIPELINE,
  COLLECT_QUEUE_OPTIONS,
  PLAN_CODEPIPELINE,
  PLAN_QUEUE_OPTIONS,
  collectCodePipeline,
  planCodePipelineSyncs,
  type TCollectOptions,
} from "@/lib/jobs/collect-codepipeline";
import { registerXrayJobs, type TCollectXrayOptions } from "@/lib/jobs/collect-xray";
import { registerCloudWatchJobs, type TCollectCloudWatchOptions } from "@/lib/jobs/collect-cloudwatch";
import { PRUNE_EVENT_RECEIPTS, pruneEventReceipts } from "@/lib/jobs/prune-event-receipts";
import { stopOnSignals } from "@/lib/jobs/stop-on-signals";
import { log } from "@/lib/log";

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

/**
 * Starts pg-boss on the portal's database: its queues, the schedules (every
 * few minutes a planning job enqueues one sync per account × region; daily,
 * old event receipts are pruned) and the workers. Several portal instances
 * share the queues: each job runs once, wherever a worker is free.
 */
export async function startJobs(options: TStartJobsOptions = {}): Promise<TJobs> {
  const boss = createBoss();
  await boss.start();
  for (const queue of [COLLECT_QUEUE_OPTIONS, PLAN_QUEUE_OPTIONS, { name: PRUNE_EVENT_RECEIPTS, policy: "singleton" as const, retryLimit: 1 }]) {
    // createQueue keeps an existing queue as it is; updateQueue brings its options up to date.
    await boss.createQueue(queue.name, queue);
    await boss.updateQueue(queue.name, queue);
  }

  if (options.isWorking ?? true) {
    for (let i = 0; i < (options.collectConcurrency ?? DEFAULT_COLLECT_CONCURRENCY); i++) {
      await boss.work(COLLECT_CODEPIPELINE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => (job ? collectCodePipeline(job.data, options) : null));
    }
    await boss.work(PLAN_CODEPIPELINE, { batchSize: 1 }, async () => ({
      sent: await planCodePipelineSyncs(boss, { now: new Date(), intervalMinutes: options.intervalMinutes ?? env().PORTSIDE_SYNC_INTERVAL_MINUTES }),
    }));
    await boss.work(PRUNE_EVENT_RECEIPTS, { batchSize: 1 }, async () => ({ deleted: await pruneEventReceipts() }));
  }
  if (options.isScheduling ?? true) {
    const interval = options.intervalMinutes ?? env().PORTSIDE_SYNC_INTERVAL_MINUTES;
    await boss.schedule(PLAN_CODEPIPELINE, everyMinutes(interval));
    await boss.schedule(PRUNE_EVENT_RECEIPTS, "17 3 * * *");
    // A fresh start syncs now rather than at the next tick; an instance already running one is not doubled.
    await planCodePipelineSyncs(boss, { now: new Date(), intervalMinutes: interval });
  }
  await registerCloudWatchJobs(boss, {
    isWorking: options.isWorking ?? true,
    isScheduling: options.isScheduling ?? true,
    intervalMinutes: options.intervalMinutes ?? env().PORTSIDE_SYNC_INTERVAL_MINUTES,
    concurrency: options.collectConcurrency ?? DEFAULT_COLLECT_CONCURRENCY,
    collect: options.cloudwatch,
  });
  await registerXrayJobs(boss, {
    isWorking: options.isWorking ?? true,
    isScheduling: options.isScheduling ?? true,
    intervalMinutes: options.intervalMinutes ?? env().PORTSIDE_SYNC_INTERVAL_MINUTES,
    concurrency: options.collectConcurrency ?? DEFAULT_COLLECT_CONCURRENCY,
    collect: options.xray,
  });
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
