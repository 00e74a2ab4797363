import "server-only";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { getPool } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { everyMinutes } from "@/lib/jobs/boss";
import { log } from "@/lib/log";
import { rollUpGraphBuckets } from "@/lib/servicemap/server/roll-up-graph-buckets";
import { syncXray, type TSyncXrayOptions } from "@/lib/servicemap/server/sync-xray";

/** One job per account × region: reads its X-Ray service graphs (every group) and trace summaries since the last run. */
export const COLLECT_XRAY = "collect-xray";
/** The scheduled job that enqueues a collect-xray job per account × region. */
export const PLAN_XRAY = "plan-xray-syncs";
/** Hourly: 5-minute service-graph buckets past PORTSIDE_XRAY_RAW_RETENTION_HOURS roll up into their hours. */
export const ROLL_UP_GRAPH_BUCKETS = "roll-up-graph-buckets";

const ZCollectJob = z.object({ accountId: z.string().regex(/^\d{12}$/), region: z.string().min(1) });
type TCollectJob = z.infer<typeof ZCollectJob>;

/** As for CodePipeline: "stately", so runs of one account × region never overlap (the cursors assume it). */
export const XRAY_QUEUES: PgBoss.Queue[] = [
  { name: COLLECT_XRAY, policy: "stately", retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 30 * 60 },
  { name: PLAN_XRAY, policy: "singleton", retryLimit: 0, expireInSeconds: 60 },
  { name: ROLL_UP_GRAPH_BUCKETS, policy: "singleton", retryLimit: 1, expireInSeconds: 30 * 60 },
];

export async function planXraySyncs(boss: PgBoss): Promise<number> {
  const { rows } = await getPool().query<{ accountId: string; regions: string[] }>(`SELECT "accountId", regions FROM "AwsAccount" ORDER BY "accountId"`);
  let sent = 0;
  for (const { accountId, regions } of rows) {
    for (const region of regions) {
      const job: TCollectJob = { accountId, region };
      if (await boss.send(COLLECT_XRAY, job, { singletonKey: `${accountId}:${region}` })) sent += 1;
    }
  }
  return sent;
}

export type TCollectXrayOptions = Pick<TSyncXrayOptions, "createClient">;

export async function collectXray(data: unknown, options: TCollectXrayOptions = {}) {
  const job = ZCollectJob.parse(data);
  try {
    const [outcome] = await syncXray({ ...job, ...options });
    if (!outcome) return { ...job, status: "SKIPPED" as const };
    log.info({ ...job, status: outcome.status, durationMs: outcome.durationMs, ...outcome.stats, ...outcome.stored }, `X-Ray sync ${outcome.status.toLowerCase()}`);
    return { ...job, status: outcome.status, error: outcome.error, durationMs: outcome.durationMs, stats: outcome.stats, stored: outcome.stored };
  } catch (error) {
    if (isAppError(error) && error.code === "NOT_FOUND") {
      log.info({ ...job }, `X-Ray sync skipped: ${error.message}`);
      return { ...job, status: "SKIPPED" as const };
    }
    throw error;
  }
}

export interface TRegisterXrayJobsOptions {
  isWorking: boolean;
  isScheduling: boolean;
  intervalMinutes: number;
  concurrency: number;
  collect?: TCollectXrayOptions;
}

/** Queues, workers and schedules of the X-Ray collector, beside the others in startJobs. */
export async function registerXrayJobs(boss: PgBoss, options: TRegisterXrayJobsOptions): Promise<void> {
  for (const queue of XRAY_QUEUES) {
    await boss.createQueue(queue.name, queue);
    await boss.updateQueue(queue.name, queue);
  }
  if (options.isWorking) {
    for (let i = 0; i < options.concurrency; i++) {
      await boss.work(COLLECT_XRAY, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => (job ? collectXray(job.data, options.collect) : null));
    }
    await boss.work(PLAN_XRAY, { batchSize: 1 }, async () => ({ sent: await planXraySyncs(boss) }));
    await boss.work(ROLL_UP_GRAPH_BUCKETS, { batchSize: 1 }, async () => ({ deleted: await rollUpGraphBuckets() }));
  }
  if (options.isScheduling) {
    await boss.schedule(PLAN_XRAY, everyMinutes(options.intervalMinutes));
    await boss.schedule(ROLL_UP_GRAPH_BUCKETS, "7 * * * *");
    await planXraySyncs(boss);
  }
}
