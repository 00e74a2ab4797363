/**
 * Service-graph buckets in SQL, shared by the collector, the roll-up job and
 * the seed. Two sizes live side by side in the same tables (bucketSeconds is
 * part of the key):
 * - 5-minute rows, as collected, kept for PORTSIDE_XRAY_RAW_RETENTION_HOURS;
 * - hourly rows, each the sum of its hour's 5-minute rows, written as soon as
 *   the 5-minute rows are, and kept after those are deleted.
 * A window is then read as whole hours plus at most two ragged ends of
 * 5-minute rows (lib/servicemap/window.ts), so a day is ~35 rows per node
 * rather than 288, and old windows still add up once raw rows are gone.
 */
import { BUCKET_SECONDS, HOUR_SECONDS } from "@/lib/servicemap/collect/types";

/** What the writers need of a connection (a pg client or pool). */
export interface TQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

const TABLES = [
  { table: "ServiceGraphNodeBucket", key: "nodeId" },
  { table: "ServiceGraphEdgeBucket", key: "edgeId" },
] as const;

export type TBucketTable = (typeof TABLES)[number]["table"];

function hourlyFromRawSql(table: string, key: string): string {
  return `
    WITH raw AS (
      SELECT "${key}" AS k, date_trunc('hour', "bucketStart") AS hour, requests, errors, faults, throttles, "totalResponseTime", "latencyBins", "latencyCounts"
      FROM "${table}"
      WHERE "bucketSeconds" = ${BUCKET_SECONDS} AND "bucketStart" >= $1::timestamptz AT TIME ZONE 'UTC' AND "bucketStart" < $2::timestamptz AT TIME ZONE 'UTC'
        AND ($3::int[] IS NULL OR "${key}" = ANY($3::int[]))
    ), sums AS (
      SELECT k, hour, sum(requests)::int AS requests, sum(errors)::int AS errors, sum(faults)::int AS faults, sum(throttles)::int AS throttles,
             sum("totalResponseTime") AS rt
      FROM raw GROUP BY k, hour
    ), bins AS (
      SELECT k, hour, u.bin, sum(u.c)::int AS c FROM raw, unnest("latencyBins", "latencyCounts") AS u(bin, c) GROUP BY k, hour, u.bin
    ), hist AS (
      SELECT k, hour, array_agg(bin ORDER BY bin) AS bins, array_agg(c ORDER BY bin) AS counts FROM bins GROUP BY k, hour
    )
    INSERT INTO "${table}" ("${key}", "bucketStart", "bucketSeconds", requests, errors, faults, throttles, "totalResponseTime", "latencyBins", "latencyCounts")
    SELECT s.k, s.hour, ${HOUR_SECONDS}, s.requests, s.errors, s.faults, s.throttles, s.rt, coalesce(h.bins, '{}'), coalesce(h.counts, '{}')
    FROM sums s LEFT JOIN hist h USING (k, hour)
    ON CONFLICT ("${key}", "bucketStart", "bucketSeconds") DO UPDATE SET
      requests = excluded.requests, errors = excluded.errors, faults = excluded.faults, throttles = excluded.throttles,
      "totalResponseTime" = excluded."totalResponseTime", "latencyBins" = excluded."latencyBins", "latencyCounts" = excluded."latencyCounts"`;
}

const floorHour = (ms: number) => Math.floor(ms / 3600_000) * 3600_000;
const ceilHour = (ms: number) => Math.ceil(ms / 3600_000) * 3600_000;

export interface TRebuildHourlyOptions {
  /** The hours touching [from, to) are rebuilt whole. */
  from: Date;
  to: Date;
  /** Only these owners (null: all). */
  nodeIds: number[] | null;
  edgeIds: number[] | null;
}

/**
 * Rewrites the hourly rows of the hours touching [from, to) from their
 * 5-minute rows. Only for hours whose 5-minute rows are all still there
 * (younger than the raw retention): an hour rebuilt from part of its rows
 * would lose the rest.
 */
export async function rebuildHourlyBuckets(sql: TQueryable, options: TRebuildHourlyOptions): Promise<void> {
  const from = new Date(floorHour(options.from.getTime())).toISOString();
  const to = new Date(ceilHour(options.to.getTime())).toISOString();
  for (const { table, key } of TABLES) {
    const ids = table === "ServiceGraphNodeBucket" ? options.nodeIds : options.edgeIds;
    if (ids !== null && ids.length === 0) continue;
    // Cleared first, so that an hour whose traffic vanished on a re-read does not keep a stale sum.
    await sql.query(
      `DELETE FROM "${table}" WHERE "bucketSeconds" = ${HOUR_SECONDS} AND "bucketStart" >= $1::timestamptz AT TIME ZONE 'UTC'
         AND "bucketStart" < $2::timestamptz AT TIME ZONE 'UTC' AND ($3::int[] IS NULL OR "${key}" = ANY($3::int[]))`,
      [from, to, ids],
    );
    await sql.query(hourlyFromRawSql(table, key), [from, to, ids]);
  }
}

/**
 * The roll-up: every whole hour that ended before `olderThan` keeps only its
 * hourly row. The hourly rows are re-derived from the 5-minute rows first
 * (idempotent: the same sums the collector wrote), then those are deleted.
 * Returns the 5-minute rows deleted.
 */
export async function rollUpBuckets(sql: TQueryable, { olderThan }: { olderThan: Date }): Promise<number> {
  const cutoff = new Date(floorHour(olderThan.getTime())).toISOString();
  let deleted = 0;
  for (const { table, key } of TABLES) {
    await sql.query(hourlyFromRawSql(table, key), ["-infinity", cutoff, null]);
    const result = await sql.query(
      `DELETE FROM "${table}" WHERE "bucketSeconds" = ${BUCKET_SECONDS} AND "bucketStart" < $1::timestamptz AT TIME ZONE 'UTC'`,
      [cutoff],
    );
    deleted += result.rowCount ?? 0;
  }
  return deleted;
}
