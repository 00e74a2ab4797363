import "server-only";
import type { TStoredAlarm } from "@/lib/alarms/collect/types";
import { getPool } from "@/lib/db";

/** What the alarm collector needs of an account × region's stored alarms (tags, configuration times) and its history cursor. */
export async function loadStoredAlarms({ awsAccountId, region }: { awsAccountId: number; region: string }): Promise<{ stored: Map<string, TStoredAlarm>; historyThrough: Date | null }> {
  const pool = getPool();
  const [{ rows }, { rows: cursor }] = await Promise.all([
    pool.query<TStoredAlarm>(
      `SELECT arn, "configUpdatedAt" AT TIME ZONE 'UTC' AS "configUpdatedAt", tags FROM "Alarm" WHERE "awsAccountId" = $1 AND region = $2 AND "deletedAt" IS NULL`,
      [awsAccountId, region],
    ),
    pool.query<{ through: Date }>(`SELECT through AT TIME ZONE 'UTC' AS through FROM "AlarmHistoryCursor" WHERE "awsAccountId" = $1 AND region = $2`, [awsAccountId, region]),
  ]);
  return { stored: new Map(rows.map((r) => [r.arn, r])), historyThrough: cursor[0]?.through ?? null };
}
