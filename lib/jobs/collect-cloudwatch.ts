import "server-only";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { syncAlarms, type TSyncAlarmsOptions } from "@/lib/alarms/server/sync-alarms";
import { getPool } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { everyMinutes } from "@/lib/jobs/boss";
import { log } from "@/lib/log";

/** One job per account × region: syncs its CloudWatch alarms and their history once. */
export const COLLECT_CLOUDWATCH = "collect-cloudwatch";
/** The scheduled job that enqueues a collect-cloudwatch job per account × region. */
export const PLAN_CLOUDWATCH = "plan-cloudwatch-syncs";

const ZCollectJob = z.object({ accountId: z.string().regex(/^\d{12}$/), region: z.string().min(1) });
type TCollectJob = z.infer<typeof ZCollectJob>;

/** As for CodePipeline: "stately", so runs of one account × region never overlap (the history cursor assumes it). */
export const CLOUDWATCH_QUEUES: PgBoss.Queue[] = [
  { name: COLLECT_CLOUDWATCH, policy: "stately", retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 30 * 60 },
  { name: PLAN_CLOUDWATCH, policy: "singleton", retryLimit: 0, expireInSeconds: 60 },
];

export function singletonKey(job: TCollectJob): string {
  return `${job.accountId}:${job.region}`;
}

/** Enqueues one alarm sync per registered account × region; one already waiting is not doubled. */
export async function planCloudWatchSyncs(boss: PgBoss): Promise<number> {
  const { rows } = await getPool().query<{ accountId: string; regions: string[] }>(`SELECT "accountId", regions FROM "AwsAccount" ORDER BY "accountId"`);
  let sent = 0;
  for (const { accountId, regions } of rows) {
    for (const region of regions) {
      const job: TCollectJob = { accountId, region };
      if (await boss.send(COLLECT_CLOUDWATCH, job, { singletonKey: singletonKey(job) })) sent += 1;
    }
  }
  return sent;
}

export type TCollectCloudWatchOptions = Pick<TSyncAlarmsOptions, "createClient">;

/** Runs one account × region alarm sync; returns a summary as the job's output. */
export async function collectCloudWatch(data: unknown, options: TCollectCloudWatchOptions = {}) {
  const job = ZCollectJob.parse(data);
  try {
    const [outcome] = await syncAlarms({ ...job, ...options });
    if (!outcome) return { ...job, status: "SKIPPED" as const };
    log.info({ ...job, status: outcome.status, durationMs: outcome.durationMs, ...outcome.stats }, `CloudWatch alarm sync ${outcome.status.toLowerCase()}`);
    return { ...job, status: outcome.status, error: outcome.error, durationMs: outcome.durationMs, stats: outcome.stats, stored: outcome.stored };
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") {
      log.info({ ...job }, `CloudWatch alarm sync skipped: ${error.message}`);
      return { ...job, status: "SKIPPED" as const };
    }
    throw error;
  }
}

export interface TRegisterCloudWatchJobsOptions {
  isWorking: boolean;
  isScheduling: boolean;
  intervalMinutes: number;
  concurrency: number;
  collect?: TCollectCloudWatchOptions;
}

/** Queues, workers and schedules of the alarm collector, beside the others in startJobs. */
export async function registerCloudWatchJobs(boss: PgBoss, options: TRegisterCloudWatchJobsOptions): Promise<void> {
  for (const queue of CLOUDWATCH_QUEUES) {
    await boss.createQueue(queue.name, queue);
    await boss.updateQueue(queue.name, queue);
  }
  if (options.isWorking) {
    for (let i = 0; i < options.concurrency; i++) {
      await boss.work(COLLECT_CLOUDWATCH, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => (job ? collectCloudWatch(job.data, options.collect) : null));
    }
    await boss.work(PLAN_CLOUDWATCH, { batchSize: 1 }, async () => ({ sent: await planCloudWatchSyncs(boss) }));
  }
  if (options.isScheduling) {
    await boss.schedule(PLAN_CLOUDWATCH, everyMinutes(options.intervalMinutes));
    await planCloudWatchSyncs(boss);
  }
}
