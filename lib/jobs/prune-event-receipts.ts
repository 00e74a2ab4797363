import "server-only";
import { getPool } from "@/lib/db";

/** Receipts are kept well beyond EventBridge's retry window (24 hours at most), for deduplication. */
export const EVENT_RECEIPT_DAYS = 7;
export const PRUNE_EVENT_RECEIPTS = "prune-event-receipts";

/** Deletes event receipts past their use; returns how many. */
export async function pruneEventReceipts(days = EVENT_RECEIPT_DAYS): Promise<number> {
  const { rowCount } = await getPool().query(`DELETE FROM "EventReceipt" WHERE "receivedAt" < (now() AT TIME ZONE 'UTC') - make_interval(days => $1)`, [days]);
  return rowCount ?? 0;
}
