/**
 * How the DORA triggers treat the writes of a transaction: the one way to set
 * it. The modes are described once, at the top of prisma/sql/dora/30-triggers.sql
 * (and in docs/metrics.md, "Trigger modes"):
 *
 * - `immediate` (the default): the writer's statement recomputes the facts and
 *   rollups it affects;
 * - `queued`: the triggers note the deployments in "DoraPending" and
 *   lib/dora/server/refresh-dora-facts.ts drains them (the ingest API, the
 *   CodePipeline sync);
 * - `bulk`: the triggers do nothing and the writer calls dora_rebuild() (or
 *   dora_refresh(ids)) itself (the demo seed).
 *
 * The mode lasts until the end of the transaction (`SET LOCAL`). No
 * `server-only` here: the seed scripts use it too.
 */
export const DORA_REFRESH_MODES = ["immediate", "queued", "bulk"] as const;
export type TDoraRefreshMode = (typeof DORA_REFRESH_MODES)[number];

/** The transaction-local setting the triggers read (dora_refresh_mode() in SQL). */
const SETTING = "portside.dora_refresh";

/** An expression that sets the mode for the rest of the transaction, for a statement that does more (no extra round trip). */
export function doraRefreshModeSql(mode: TDoraRefreshMode): string {
  if (!DORA_REFRESH_MODES.includes(mode)) throw new Error(`unknown DORA refresh mode: ${String(mode)}`);
  return `set_config('${SETTING}', '${mode}', true)`;
}

/** Sets the mode for the rest of the current transaction on this connection (call it after BEGIN). */
export async function setDoraRefreshMode(sql: { query: (text: string) => Promise<unknown> }, mode: TDoraRefreshMode): Promise<void> {
  await sql.query(`SELECT ${doraRefreshModeSql(mode)}`);
}
