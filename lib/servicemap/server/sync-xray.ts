import "server-only";
import type { TSyncStats } from "@/lib/aws/clients";
import { getPool } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { collectAll, type TCollectAllOptions, type TSyncStatus } from "@/lib/servicemap/collect/collect-region";
import { loadXrayCursors, storeXraySync, type TStoreXraySyncOutcome } from "@/lib/servicemap/server/store-xray-sync";

export interface TSyncXrayOptions extends Omit<TCollectAllOptions, "loadCursors" | "onRegionCollected"> {
  accountId?: string;
  region?: string;
}

export interface TSyncXrayOutcome {
  accountId: string;
  region: string;
  status: TSyncStatus;
  error: string | null;
  durationMs: number;
  stats: TSyncStats;
  stored: TStoreXraySyncOutcome | null;
  syncRunId: number | null;
}

const STALE_RUN_MESSAGE = "Interrupted: the process running this sync stopped before it finished.";

async function startRun(awsAccountId: number, region: string): Promise<number> {
  const pool = getPool();
  await pool.query(
    `UPDATE "SyncRun" SET status = 'FAILED', "finishedAt" = now() AT TIME ZONE 'UTC', "errorMessage" = $3
     WHERE "awsAccountId" = $1 AND region = $2 AND source = 'XRAY' AND status = 'RUNNING'`,
    [awsAccountId, region, STALE_RUN_MESSAGE],
  );
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO "SyncRun" ("awsAccountId", region, source, status, "startedAt") VALUES ($1, $2, 'XRAY', 'RUNNING', now() AT TIME ZONE 'UTC') RETURNING id`,
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
 * Collects X-Ray (service graph buckets and trace summaries) for the
 * registered accounts × regions once, stores it, and records a SyncRun
 * (source XRAY) per account × region. One failing account or region never
 * stops the others.
 */
export async function syncXray(options: TSyncXrayOptions = {}): Promise<TSyncXrayOutcome[]> {
  const { accountId: onlyAccount, region: onlyRegion, ...tuning } = options;
  const { rows } = await getPool().query<{ id: number; accountId: string; roleArn: string | null; externalId: string | null; regions: string[] }>(
    `SELECT id, "accountId", "roleArn", "externalId", regions FROM "AwsAccount" WHERE ($1::text IS NULL OR "accountId" = $1) ORDER BY "accountId"`,
    [onlyAccount ?? null],
  );
  if (onlyAccount && rows.length === 0) throw new AppError("NOT_FOUND", `AWS account ${onlyAccount} is not registered.`);
  const byAccountId = new Map(rows.map((r) => [r.accountId, r]));
  const accounts = rows
    .map((r) => ({ accountId: r.accountId, roleArn: r.roleArn, externalId: r.externalId, regions: r.regions.filter((region) => !onlyRegion || region === onlyRegion) }))
    .filter((a) => a.regions.length > 0);
  const runs = new Map<string, { id: number; stored: TStoreXraySyncOutcome | null }>();
  const key = (accountId: string, region: string) => `${accountId}|${region}`;

  const outcomes = await collectAll(accounts, {
    backfillMs: env().xrayBackfillHours * 3600_000,
    ...tuning,
    async loadCursors({ accountId, region }) {
      const account = byAccountId.get(accountId)!;
      const id = await startRun(account.id, region);
      runs.set(key(accountId, region), { id, stored: null });
      return loadXrayCursors(getPool(), account.id, region);
    },
    async onRegionCollected(result) {
      const run = runs.get(key(result.accountId, result.region))!;
      run.stored = await storeXraySync({ awsAccountId: byAccountId.get(result.accountId)!.id, result });
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
          log.error({ err: finishError, accountId: outcome.accountId, region: outcome.region, syncRunId: run.id }, "could not record the end of an X-Ray sync");
        }
      }
      return { accountId: outcome.accountId, region: outcome.region, status: outcome.status, error, durationMs: outcome.durationMs, stats: outcome.stats, stored: run?.stored ?? null, syncRunId: run?.id ?? null };
    }),
  );
}
