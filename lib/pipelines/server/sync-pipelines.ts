import "server-only";
import type { TSyncStats } from "@/lib/aws/clients";
import { getPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { syncAll, type TAwsAccountToSync, type TSyncAllOptions, type TSyncStatus } from "@/lib/pipelines/collect/sync-region";
import { reattributeAfterWrite } from "@/lib/pipelines/server/reattribute-after-write";
import { loadStoredPipelines } from "@/lib/pipelines/server/load-stored-pipelines";
import { storeRegionSync, type TStoreRegionSyncOutcome } from "@/lib/pipelines/server/store-region-sync";

export interface TSyncPipelinesOptions extends Pick<TSyncAllOptions, "createClient" | "isDefinitionRefreshForced" | "maxFirstSyncExecutions" | "maxIncrementalExecutions" | "regionConcurrency" | "pipelineConcurrency"> {
  /** Only this account (12-digit id); all registered accounts when absent. */
  accountId?: string;
  /** Only this region of each account; every region the account lists when absent. */
  region?: string;
}

export interface TSyncPipelinesOutcome {
  accountId: string;
  region: string;
  status: TSyncStatus;
  /** Why it failed, or which pipelines failed when PARTIAL. */
  error: string | null;
  durationMs: number;
  stats: TSyncStats;
  stored: TStoreRegionSyncOutcome | null;
  /** The SyncRun row that records it. */
  syncRunId: number | null;
}

interface TAccountRow {
  id: number;
  accountId: string;
  roleArn: string | null;
  externalId: string | null;
  regions: string[];
}

const STALE_RUN_MESSAGE = "Interrupted: the process running this sync stopped before it finished.";

async function startRun(awsAccountId: number, region: string): Promise<number> {
  const pool = getPool();
  // A run left RUNNING by a process that died is over; one sync per account × region runs at a time (lib/jobs).
  await pool.query(
    `UPDATE "SyncRun" SET status = 'FAILED', "finishedAt" = now() AT TIME ZONE 'UTC', "errorMessage" = $3
     WHERE "awsAccountId" = $1 AND region = $2 AND source = 'CODEPIPELINE' AND status = 'RUNNING'`,
    [awsAccountId, region, STALE_RUN_MESSAGE],
  );
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO "SyncRun" ("awsAccountId", region, source, status, "startedAt") VALUES ($1, $2, 'CODEPIPELINE', 'RUNNING', now() AT TIME ZONE 'UTC') RETURNING id`,
    [awsAccountId, region],
  );
  return rows[0]!.id;
}

async function finishRun(id: number, outcome: { status: TSyncStatus; durationMs: number; stats: TSyncStats; error: string | null }): Promise<void> {
  await getPool().query(
    `UPDATE "SyncRun" SET status = $2::"SyncStatus", "finishedAt" = now() AT TIME ZONE 'UTC', "durationMs" = $3, calls = $4, throttles = $5, errors = $6,
       "errorMessage" = $7
     WHERE id = $1`,
    [id, outcome.status, outcome.durationMs, outcome.stats.calls, outcome.stats.throttles, outcome.stats.errors, outcome.error?.slice(0, 4000) ?? null],
  );
}

/**
 * Syncs CodePipeline for the registered accounts × regions once, stores what
 * it read, and records a SyncRun per account × region (RUNNING while it runs,
 * then SUCCEEDED, PARTIAL or FAILED with duration, calls, throttles, errors).
 * One account or region failing, in AWS or while storing, never stops the
 * others. Runs of the same account × region must not overlap: the job queue
 * sees to that (lib/jobs).
 */
export async function syncPipelines(options: TSyncPipelinesOptions = {}): Promise<TSyncPipelinesOutcome[]> {
  const { accountId: onlyAccount, region: onlyRegion, ...tuning } = options;
  const { rows } = await getPool().query<TAccountRow>(
    `SELECT id, "accountId", "roleArn", "externalId", regions FROM "AwsAccount" WHERE ($1::text IS NULL OR "accountId" = $1) ORDER BY "accountId"`,
    [onlyAccount ?? null],
  );
  if (onlyAccount && rows.length === 0) throw new AppError("NOT_FOUND", `AWS account ${onlyAccount} is not registered.`);
  const byAccountId = new Map(rows.map((r) => [r.accountId, r]));
  const accounts: TAwsAccountToSync[] = rows
    .map((r) => ({ accountId: r.accountId, roleArn: r.roleArn, externalId: r.externalId, regions: r.regions.filter((region) => !onlyRegion || region === onlyRegion) }))
    .filter((a) => a.regions.length > 0);
  if (onlyRegion && accounts.length === 0 && rows.length > 0) {
    throw new AppError("NOT_FOUND", `No registered account collects region ${onlyRegion}${onlyAccount ? ` for account ${onlyAccount}` : ""}.`);
  }

  const runs = new Map<string, { id: number; startedAt: Date; stored: TStoreRegionSyncOutcome | null }>();
  const key = (accountId: string, region: string) => `${accountId}|${region}`;

  const outcomes = await syncAll(accounts, {
    ...tuning,
    async loadStored({ accountId, region }) {
      const account = byAccountId.get(accountId)!;
      const startedAt = new Date();
      const id = await startRun(account.id, region);
      runs.set(key(accountId, region), { id, startedAt, stored: null });
      return { stored: await loadStoredPipelines({ awsAccountId: account.id, region }) };
    },
    async onRegionSynced(result) {
      const run = runs.get(key(result.accountId, result.region))!;
      run.stored = await storeRegionSync({ awsAccountId: byAccountId.get(result.accountId)!.id, result, syncStartedAt: run.startedAt });
      await reattributeAfterWrite(run.stored.deployments.deploymentIds);
    },
  });

  return Promise.all(
    outcomes.map(async (outcome) => {
      const run = runs.get(key(outcome.accountId, outcome.region));
      const error = outcome.error ?? null;
      if (run) {
        try {
          await finishRun(run.id, { status: outcome.status, durationMs: outcome.durationMs, stats: outcome.stats, error });
        } catch (finishError) {
          log.error({ err: finishError, accountId: outcome.accountId, region: outcome.region, syncRunId: run.id }, "could not record the end of a CodePipeline sync");
        }
      }
      return {
        accountId: outcome.accountId,
        region: outcome.region,
        status: outcome.status,
        error,
        durationMs: outcome.durationMs,
        stats: outcome.stats,
        stored: run?.stored ?? null,
        syncRunId: run?.id ?? null,
      } satisfies TSyncPipelinesOutcome;
    }),
  );
}
