import "server-only";
import type { TSyncStats } from "@/lib/aws/clients";
import { getPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { TAwsAccountToSync, TSyncStatus } from "@/lib/pipelines/collect/sync-region";

/** SyncRun.source: what a collector reads. */
export type TSyncSource = "CODEPIPELINE" | "CLOUDWATCH" | "XRAY";

const STALE_RUN_MESSAGE = "Interrupted: the process running this sync stopped before it finished.";

/** What a collector reports for one account × region (lib/<domain>/collect). */
export interface TRegionSyncResult {
  accountId: string;
  region: string;
  status: TSyncStatus;
  error?: string | null;
  durationMs: number;
  stats: TSyncStats;
}

/** One account × region's sync as recorded: what the collector reported, what was stored, and its SyncRun. */
export interface TRecordedSync<TStored> {
  accountId: string;
  region: string;
  status: TSyncStatus;
  /** Why it failed, or which resources failed when PARTIAL. */
  error: string | null;
  durationMs: number;
  stats: TSyncStats;
  stored: TStored | null;
  /** The SyncRun row that records it. */
  syncRunId: number | null;
}

export interface TSyncTarget {
  accountId: string;
  region: string;
}

/** What a collector calls back while it runs (see runRecordedSyncs). */
export interface TSyncHooks<TStored> {
  /** Starts the SyncRun of an account × region, as its collection begins; returns AwsAccount.id. */
  begin(target: TSyncTarget): Promise<number>;
  /** Stores what was collected for an account × region (`write` gets AwsAccount.id and when the run began). */
  store(target: TSyncTarget, write: (awsAccountId: number, startedAt: Date) => Promise<TStored>): Promise<TStored>;
}

async function startSyncRun(source: TSyncSource, awsAccountId: number, region: string): Promise<number> {
  const pool = getPool();
  // A run left RUNNING by a process that died is over; one sync per source × account × region runs at a time (lib/jobs).
  await pool.query(
    `UPDATE "SyncRun" SET status = 'FAILED', "finishedAt" = now() AT TIME ZONE 'UTC', "errorMessage" = $4
     WHERE "awsAccountId" = $1 AND region = $2 AND source = $3::"SyncSource" AND status = 'RUNNING'`,
    [awsAccountId, region, source, STALE_RUN_MESSAGE],
  );
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO "SyncRun" ("awsAccountId", region, source, status, "startedAt") VALUES ($1, $2, $3::"SyncSource", 'RUNNING', now() AT TIME ZONE 'UTC') RETURNING id`,
    [awsAccountId, region, source],
  );
  return rows[0]!.id;
}

async function finishSyncRun(id: number, outcome: { status: TSyncStatus; durationMs: number; stats: TSyncStats; error: string | null }): Promise<void> {
  await getPool().query(
    `UPDATE "SyncRun" SET status = $2::"SyncStatus", "finishedAt" = now() AT TIME ZONE 'UTC', "durationMs" = $3, calls = $4, throttles = $5, errors = $6,
       "errorMessage" = $7
     WHERE id = $1`,
    [id, outcome.status, outcome.durationMs, outcome.stats.calls, outcome.stats.throttles, outcome.stats.errors, outcome.error?.slice(0, 4000) ?? null],
  );
}

/**
 * Runs one collector over the registered accounts × regions (all, or the
 * account and region asked for) and records a SyncRun per account × region:
 * RUNNING while it runs, then SUCCEEDED, PARTIAL or FAILED with duration,
 * calls, throttles and errors. One account or region failing, in AWS or
 * while storing, never stops the others. Runs of the same source × account
 * × region must not overlap: the job queue sees to that (lib/jobs).
 */
export async function runRecordedSyncs<TStored>(
  { source, accountId: onlyAccount, region: onlyRegion }: { source: TSyncSource; accountId?: string; region?: string },
  collect: (accounts: TAwsAccountToSync[], hooks: TSyncHooks<TStored>) => Promise<readonly TRegionSyncResult[]>,
): Promise<TRecordedSync<TStored>[]> {
  const { rows } = await getPool().query<{ id: number; accountId: string; roleArn: string | null; externalId: string | null; regions: string[] }>(
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

  const runs = new Map<string, { id: number; awsAccountId: number; startedAt: Date; stored: TStored | null }>();
  const key = ({ accountId, region }: TSyncTarget) => `${accountId}|${region}`;
  const outcomes = await collect(accounts, {
    async begin(target) {
      const awsAccountId = byAccountId.get(target.accountId)!.id;
      const startedAt = new Date();
      const id = await startSyncRun(source, awsAccountId, target.region);
      runs.set(key(target), { id, awsAccountId, startedAt, stored: null });
      return awsAccountId;
    },
    async store(target, write) {
      const run = runs.get(key(target))!;
      run.stored = await write(run.awsAccountId, run.startedAt);
      return run.stored;
    },
  });

  return Promise.all(
    outcomes.map(async (outcome) => {
      const run = runs.get(key(outcome));
      const error = outcome.error ?? null;
      if (run) {
        try {
          await finishSyncRun(run.id, { status: outcome.status, durationMs: outcome.durationMs, stats: outcome.stats, error });
        } catch (finishError) {
          log.error({ err: finishError, source, accountId: outcome.accountId, region: outcome.region, syncRunId: run.id }, "could not record the end of a sync");
        }
      }
      return { accountId: outcome.accountId, region: outcome.region, status: outcome.status, error, durationMs: outcome.durationMs, stats: outcome.stats, stored: run?.stored ?? null, syncRunId: run?.id ?? null };
    }),
  );
}
