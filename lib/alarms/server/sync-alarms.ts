import "server-only";
import { syncAllAlarms, type TSyncAllAlarmsOptions } from "@/lib/alarms/collect/sync-region";
import { loadStoredAlarms } from "@/lib/alarms/server/load-stored-alarms";
import { storeAlarmSync, type TStoreAlarmSyncOutcome } from "@/lib/alarms/server/store-alarm-sync";
import type { TSyncStats } from "@/lib/aws/clients";
import { getPool } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import type { TAwsAccountToSync, TSyncStatus } from "@/lib/pipelines/collect/sync-region";

export interface TSyncAlarmsOptions extends Pick<TSyncAllAlarmsOptions, "createClient" | "regionConcurrency" | "tagConcurrency" | "tagRefreshRounds"> {
  /** Only this account (12-digit id); all registered accounts when absent. */
  accountId?: string;
  /** Only this region of each account. */
  region?: string;
}

export interface TSyncAlarmsOutcome {
  accountId: string;
  region: string;
  status: TSyncStatus;
  error: string | null;
  durationMs: number;
  stats: TSyncStats;
  stored: TStoreAlarmSyncOutcome | null;
  syncRunId: number | null;
}

const STALE_RUN_MESSAGE = "Interrupted: the process running this sync stopped before it finished.";

async function startRun(awsAccountId: number, region: string): Promise<number> {
  const pool = getPool();
  await pool.query(
    `UPDATE "SyncRun" SET status = 'FAILED', "finishedAt" = now() AT TIME ZONE 'UTC', "errorMessage" = $3
     WHERE "awsAccountId" = $1 AND region = $2 AND source = 'CLOUDWATCH' AND status = 'RUNNING'`,
    [awsAccountId, region, STALE_RUN_MESSAGE],
  );
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO "SyncRun" ("awsAccountId", region, source, status, "startedAt") VALUES ($1, $2, 'CLOUDWATCH', 'RUNNING', now() AT TIME ZONE 'UTC') RETURNING id`,
    [awsAccountId, region],
  );
  return rows[0]!.id;
}

async function finishRun(id: number, outcome: { status: TSyncStatus; durationMs: number; stats: TSyncStats; error: string | null }): Promise<void> {
  await getPool().query(
    `UPDATE "SyncRun" SET status = $2::"SyncStatus", "finishedAt" = now() AT TIME ZONE 'UTC', "durationMs" = $3, calls = $4, throttles = $5, errors = $6, "errorMessage" = $7
     WHERE id = $1`,
    [id, outcome.status, outcome.durationMs, outcome.stats.calls, outcome.stats.throttles, outcome.stats.errors, outcome.error?.slice(0, 4000) ?? null],
  );
}

/**
 * Syncs CloudWatch alarms for the registered accounts × regions once, stores
 * what it read (with the incidents it opens or resolves), and records a
 * SyncRun (source CLOUDWATCH) per account × region. One account or region
 * failing never stops the others.
 */
export async function syncAlarms(options: TSyncAlarmsOptions = {}): Promise<TSyncAlarmsOutcome[]> {
  const { accountId: onlyAccount, region: onlyRegion, ...tuning } = options;
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
  const settings = env();
  const incidentRules = { severities: settings.incidentSeverities, quietMinutes: settings.incidentQuietMinutes, windowHours: settings.attributionWindowHours };
  const runs = new Map<string, { id: number; startedAt: Date; stored: TStoreAlarmSyncOutcome | null }>();
  const key = (accountId: string, region: string) => `${accountId}|${region}`;

  const outcomes = await syncAllAlarms(accounts, {
    ...tuning,
    intervalMinutes: settings.PORTSIDE_SYNC_INTERVAL_MINUTES,
    async loadStored({ accountId, region }) {
      const account = byAccountId.get(accountId)!;
      const startedAt = new Date();
      const id = await startRun(account.id, region);
      runs.set(key(accountId, region), { id, startedAt, stored: null });
      return loadStoredAlarms({ awsAccountId: account.id, region });
    },
    async onRegionSynced(result) {
      const run = runs.get(key(result.accountId, result.region))!;
      run.stored = await storeAlarmSync({ awsAccountId: byAccountId.get(result.accountId)!.id, result, syncStartedAt: run.startedAt, incidentRules });
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
          log.error({ err: finishError, accountId: outcome.accountId, region: outcome.region, syncRunId: run.id }, "could not record the end of a CloudWatch alarm sync");
        }
      }
      return { accountId: outcome.accountId, region: outcome.region, status: outcome.status, error, durationMs: outcome.durationMs, stats: outcome.stats, stored: run?.stored ?? null, syncRunId: run?.id ?? null };
    }),
  );
}
