import "server-only";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { getPool } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { syncPipelines, type TSyncPipelinesOptions } from "@/lib/pipelines/server/sync-pipelines";

/** One job per account × region: syncs its CodePipeline pipelines once. */
export const COLLECT_CODEPIPELINE = "collect-codepipeline";
/** The scheduled job that enqueues a collect-codepipeline job per account × region. */
export const PLAN_CODEPIPELINE = "plan-codepipeline-syncs";

const ZCollectJob = z.object({
  accountId: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  /** Read every pipeline's definition and tags, whatever its version (the daily full refresh). */
  isFullRefresh: z.boolean().optional(),
});
export type TCollectJob = z.infer<typeof ZCollectJob>;

/**
 * "stately": at most one job per account × region waiting and one running,
 * so runs of the same account × region never overlap and a slow one does
 * not pile up a backlog. Retries (with backoff) are for the job failing as a
 * whole, such as the database being away; an AWS failure is recorded on the
 * run (SyncRun) and the next schedule tries again.
 */
export const COLLECT_QUEUE_OPTIONS: PgBoss.Queue = {
  name: COLLECT_CODEPIPELINE,
  policy: "stately",
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
  // A first sync of a large region reads thousands of pipelines at AWS's rate limits.
  expireInSeconds: 30 * 60,
};
export const PLAN_QUEUE_OPTIONS: PgBoss.Queue = { name: PLAN_CODEPIPELINE, policy: "singleton", retryLimit: 0, expireInSeconds: 60 };

export function singletonKey(job: TCollectJob): string {
  return `${job.accountId}:${job.region}`;
}

export interface TPlanCodePipelineSyncsOptions {
  /** When the plan runs: the first plan of each UTC day asks for a full refresh. */
  now: Date;
  intervalMinutes: number;
}

/**
 * Whether the syncs planned at `now` are the day's full refresh: every
 * pipeline's definition and tags read whatever its version says (on top of
 * the rotation that re-reads a slice each sync, see syncRegion), so nothing
 * stays stale for more than a day even if a listing's times do not move.
 */
export function isFullRefreshDue({ now, intervalMinutes }: TPlanCodePipelineSyncsOptions): boolean {
  const minuteOfDay = now.getUTCHours() * 60 + now.getUTCMinutes();
  return minuteOfDay < intervalMinutes;
}

/** Enqueues one sync per registered account × region; one already waiting is not doubled. */
export async function planCodePipelineSyncs(boss: PgBoss, options: TPlanCodePipelineSyncsOptions): Promise<number> {
  const { rows } = await getPool().query<{ accountId: string; regions: string[] }>(`SELECT "accountId", regions FROM "AwsAccount" ORDER BY "accountId"`);
  const isFullRefresh = isFullRefreshDue(options);
  let sent = 0;
  for (const { accountId, regions } of rows) {
    for (const region of regions) {
      const job: TCollectJob = { accountId, region, ...(isFullRefresh ? { isFullRefresh } : {}) };
      if (await boss.send(COLLECT_CODEPIPELINE, job, { singletonKey: singletonKey(job) })) sent += 1;
    }
  }
  return sent;
}

export type TCollectOptions = Pick<TSyncPipelinesOptions, "createClient" | "definitionRefreshRounds">;

/** Runs one account × region sync; what it stores and records is syncPipelines'. Returns a summary as the job's output. */
export async function collectCodePipeline(data: unknown, options: TCollectOptions = {}) {
  const { isFullRefresh, ...job } = ZCollectJob.parse(data);
  try {
    const [outcome] = await syncPipelines({ ...job, ...options, isDefinitionRefreshForced: isFullRefresh === true });
    if (!outcome) return { ...job, status: "SKIPPED" as const };
    log.info(
      { accountId: job.accountId, region: job.region, status: outcome.status, durationMs: outcome.durationMs, ...outcome.stats },
      `CodePipeline sync ${outcome.status.toLowerCase()}`,
    );
    return { ...job, status: outcome.status, error: outcome.error, durationMs: outcome.durationMs, stats: outcome.stats };
  } catch (error) {
    // The account or region was removed after the job was planned: nothing to do.
    if (isAppError(error) && error.code === "NOT_FOUND") {
      log.info({ ...job }, `CodePipeline sync skipped: ${error.message}`);
      return { ...job, status: "SKIPPED" as const };
    }
    throw error;
  }
}
