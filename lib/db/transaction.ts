import "server-only";
import type pg from "pg";
import { getPool } from "@/lib/db";
import { doraRefreshModeSql } from "@/lib/dora/refresh-mode";
import { scheduleDoraDrain } from "@/lib/dora/server/refresh-dora-facts";
import { log } from "@/lib/log";

/** What the bulk writers (pipelines, alarms, the service map, postmortems) need of a connection: they run inside one transaction. */
export type TSql = Pick<pg.PoolClient, "query">;

/**
 * Runs `fn` in one transaction on a connection of the shared pool, with the
 * DORA refresh of what it writes queued (lib/dora/server/refresh-dora-facts.ts). Bulk
 * writes use plain SQL with JSON parameters (one statement per batch of
 * rows); see lib/db/index.ts for why hot paths bypass Prisma.
 *
 * Stored times are UTC wall-clock `timestamp(3)`: parameters go in as ISO
 * strings cast `::timestamptz AT TIME ZONE 'UTC'`, and columns come out as
 * `col AT TIME ZONE 'UTC'` (a timestamptz, which pg reads as the right
 * instant whatever the process time zone).
 */
export async function inTransaction<T>(fn: (sql: TSql) => Promise<T>): Promise<T> {
  const client = await getPool().connect();
  let isBroken = false;
  try {
    // Deployments, commits and incidents written here have their DORA facts queued, not recomputed in this
    // transaction (a first sync writes 100,000 deployments); the drain after the commit does it in bulk.
    await client.query(`BEGIN; SELECT ${doraRefreshModeSql("queued")}`);
    const result = await fn(client);
    await client.query("COMMIT");
    scheduleDoraDrain();
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      isBroken = true;
      log.warn({ err: rollbackError }, "could not roll back a write; dropping the connection");
    }
    throw error;
  } finally {
    client.release(isBroken);
  }
}

/** Splits rows into batches, so that one statement never carries an unbounded JSON parameter. */
export function batches<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
