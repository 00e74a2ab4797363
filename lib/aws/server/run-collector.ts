import "server-only";
import type { TInstrumentable, TSyncStats } from "@/lib/aws/clients";
import { readRegions, type TAwsAccountToSync, type TCreateClient, type TRegionReader, type TRegionTarget, type TSyncStatus } from "@/lib/aws/fan-out";
import { getPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/** SyncRun.source: what a collector reads. */
export type TSyncSource = "CODEPIPELINE" | "CLOUDWATCH" | "XRAY";

/**
 * One AWS collector: its adapter (what it reads in an account × region,
 * lib/<domain>/collect) and its store (what the last runs stored, and how a
 * result is written, lib/<domain>/server). The fan-out, the isolation of a
 * failing account or region, and the SyncRun of each account × region are
 * runCollector's; its job on the queue is lib/jobs/collector-jobs.ts's.
 */
export interface TCollector<TClient extends TInstrumentable, TStored, TResult, TWritten, TTuning> {
  source: TSyncSource;
  reader: TRegionReader<TClient, TStored, TResult, TTuning>;
  /** What the last runs stored for an account × region (AwsAccount.id), for the reader to read only what changed. */
  loadStored(target: { awsAccountId: number; region: string }): Promise<TStored>;
  /** Writes one account × region's result; `syncStartedAt` is when its run began. */
  store(input: { awsAccountId: number; region: string; result: TResult; syncStartedAt: Date }): Promise<TWritten>;
  /** Tuning taken from the configuration at each run, under what the caller passes. */
  configuredTuning?(): Partial<TTuning>;
}

/** What runCollector takes: which accounts and regions, the client (tests), and the collector's own tuning. */
export type TRunCollectorOptions<TClient, TTuning> = Partial<TTuning> & {
  /** Only this account (12-digit id); all registered accounts when absent. */
  accountId?: string;
  /** Only this region of each account; every region the account lists when absent. */
  region?: string;
  /** Builds the client for an account × region, counting into `stats`. Defaults to the process-wide factory. */
  createClient?: TCreateClient<TClient>;
  /** Account × region pairs synced at the same time. */
  regionConcurrency?: number;
};

const STALE_RUN_MESSAGE = "Interrupted: the process running this sync stopped before it finished.";

/** One account × region's sync as recorded: what the collector reported, what was stored, and its SyncRun. */
export interface TRecordedSync<TWritten> {
  accountId: string;
  region: string;
  status: TSyncStatus;
  /** Why it failed, or which resources failed when PARTIAL. */
  error: string | null;
  durationMs: number;
  stats: TSyncStats;
  stored: TWritten | null;
  /** The SyncRun row that records it. */
  syncRunId: number | null;
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

/** The registered accounts to sync (all, or the account and region asked for), with their AwsAccount ids. */
async function accountsToSync({ accountId: onlyAccount, region: onlyRegion }: { accountId?: string; region?: string }) {
  const { rows } = await getPool().query<{ id: number; accountId: string; roleArn: string | null; externalId: string | null; regions: string[] }>(
    `SELECT id, "accountId", "roleArn", "externalId", regions FROM "AwsAccount" WHERE ($1::text IS NULL OR "accountId" = $1) ORDER BY "accountId"`,
    [onlyAccount ?? null],
  );
  if (onlyAccount && rows.length === 0) throw new AppError("NOT_FOUND", `AWS account ${onlyAccount} is not registered.`);
  const accounts: TAwsAccountToSync[] = rows
    .map((r) => ({ accountId: r.accountId, roleArn: r.roleArn, externalId: r.externalId, regions: r.regions.filter((region) => !onlyRegion || region === onlyRegion) }))
    .filter((a) => a.regions.length > 0);
  if (onlyRegion && accounts.length === 0 && rows.length > 0) {
    throw new AppError("NOT_FOUND", `No registered account collects region ${onlyRegion}${onlyAccount ? ` for account ${onlyAccount}` : ""}.`);
  }
  return { accounts, awsAccountIds: new Map(rows.map((r) => [r.accountId, r.id])) };
}

/**
 * Runs one collector over the registered accounts × regions (all, or the
 * account and region asked for) and records a SyncRun per account × region:
 * RUNNING while it runs, then SUCCEEDED, PARTIAL or FAILED with duration,
 * calls, throttles and errors. Each region's result is stored as soon as it
 * is read. One account or region failing, in AWS or while storing, never
 * stops the others. Runs of the same source × account × region must not
 * overlap: the job queue sees to that (lib/jobs).
 */
export async function runCollector<TClient extends TInstrumentable, TStored, TResult, TWritten, TTuning>(
  collector: TCollector<TClient, TStored, TResult, TWritten, TTuning>,
  options: TRunCollectorOptions<TClient, TTuning> = {},
): Promise<TRecordedSync<TWritten>[]> {
  const { accountId, region, createClient, regionConcurrency, ...tuning } = options;
  const { accounts, awsAccountIds } = await accountsToSync({ accountId, region });
  const runs = new Map<string, { id: number; awsAccountId: number; startedAt: Date; stored: TWritten | null }>();
  const key = (target: TRegionTarget) => `${target.accountId}|${target.region}`;

  const outcomes = await readRegions(accounts, collector.reader, {
    // A collector's tuning is all optional knobs with defaults, so a partial one is a whole one; an option left undefined keeps the configured value.
    tuning: { ...collector.configuredTuning?.(), ...Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined)) } as TTuning,
    createClient,
    regionConcurrency,
    // The run begins as its region's collection does: its SyncRun says RUNNING while AWS is read.
    async loadStored(target) {
      const awsAccountId = awsAccountIds.get(target.accountId)!;
      const startedAt = new Date();
      const id = await startSyncRun(collector.source, awsAccountId, target.region);
      runs.set(key(target), { id, awsAccountId, startedAt, stored: null });
      return collector.loadStored({ awsAccountId, region: target.region });
    },
    async onRegionRead(result, target) {
      const run = runs.get(key(target))!;
      run.stored = await collector.store({ awsAccountId: run.awsAccountId, region: target.region, result, syncStartedAt: run.startedAt });
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
          log.error({ err: finishError, source: collector.source, accountId: outcome.accountId, region: outcome.region, syncRunId: run.id }, "could not record the end of a sync");
        }
      }
      return { accountId: outcome.accountId, region: outcome.region, status: outcome.status, error, durationMs: outcome.durationMs, stats: outcome.stats, stored: run?.stored ?? null, syncRunId: run?.id ?? null };
    }),
  );
}
