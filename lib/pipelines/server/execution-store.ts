import "server-only";
import type { TExecutionStage, TExecutionStatus, TExecutionType, TSourceRevision } from "@/lib/pipelines/collect/types";
import type { TClock, TExecutionSnapshot } from "@/lib/pipelines/server/merge";
import { batches, type TSql } from "@/lib/db/transaction";

/** A stored PipelineExecution row. */
export interface TStoredExecution extends TExecutionSnapshot {
  id: number;
  pipelineId: number;
  rolledBackExecutionId: string | null;
}

const WRITE_BATCH = 2000;

const COLUMNS = /* sql */ `
  e.id, e."pipelineId", e."executionId", e.status, e."executionType", e."rollbackOf", e.trigger, e."sourceRevisions", e.stages,
  e."failureReason", e."failedAction", e."startedAt" AT TIME ZONE 'UTC' AS "startedAt", e."lastUpdatedAt" AT TIME ZONE 'UTC' AS "lastUpdatedAt",
  e."rolledBackExecutionId", e."eventClock"`;

interface TRow {
  id: number;
  pipelineId: number;
  executionId: string;
  status: TExecutionStatus;
  executionType: string;
  rollbackOf: string | null;
  trigger: { triggerType?: string | null; triggerDetail?: string | null } | null;
  sourceRevisions: TSourceRevision[];
  stages: TExecutionStage[];
  failureReason: string | null;
  failedAction: string | null;
  startedAt: Date;
  lastUpdatedAt: Date;
  rolledBackExecutionId: string | null;
  eventClock: TClock;
}

// The JSON columns hold what this module wrote (or the seed, in the same shapes).
function fromRow(row: TRow): TStoredExecution {
  return {
    id: row.id,
    pipelineId: row.pipelineId,
    executionId: row.executionId,
    status: row.status,
    executionType: row.executionType === "ROLLBACK" ? "ROLLBACK" : ("STANDARD" satisfies TExecutionType),
    rollbackOf: row.rollbackOf,
    trigger: row.trigger ? { triggerType: row.trigger.triggerType ?? null, triggerDetail: row.trigger.triggerDetail ?? null } : null,
    sourceRevisions: Array.isArray(row.sourceRevisions) ? row.sourceRevisions : [],
    stages: Array.isArray(row.stages) ? row.stages : [],
    failureReason: row.failureReason,
    failedAction: row.failedAction,
    startedAt: row.startedAt,
    lastUpdatedAt: row.lastUpdatedAt,
    rolledBackExecutionId: row.rolledBackExecutionId,
    clock: row.eventClock && typeof row.eventClock === "object" ? row.eventClock : {},
  };
}

export const executionKey = (pipelineId: number, executionId: string) => `${pipelineId}\u0000${executionId}`;

/** Stored executions by pipeline id + execution id. */
export async function readExecutions(sql: TSql, keys: readonly { pipelineId: number; executionId: string }[]): Promise<Map<string, TStoredExecution>> {
  const found = new Map<string, TStoredExecution>();
  for (const batch of batches(keys, WRITE_BATCH * 5)) {
    const { rows } = await sql.query<TRow>(
      `SELECT ${COLUMNS} FROM "PipelineExecution" e
       JOIN jsonb_to_recordset($1::jsonb) AS k("pipelineId" int, "executionId" text) ON e."pipelineId" = k."pipelineId" AND e."executionId" = k."executionId"`,
      [JSON.stringify(batch)],
    );
    for (const row of rows) found.set(executionKey(row.pipelineId, row.executionId), fromRow(row));
  }
  return found;
}

/** Executions of these pipelines that have no deployment, other than `exceptIds` (for deriving their deployments). */
export async function readUnderivedExecutions(sql: TSql, pipelineIds: readonly number[], exceptIds: readonly number[]): Promise<TStoredExecution[]> {
  return readPipelineExecutions(sql, pipelineIds, exceptIds, { isUnderivedOnly: true });
}

/** Every execution of these pipelines but `exceptIds` (or only those without a deployment yet). */
export async function readPipelineExecutions(
  sql: TSql,
  pipelineIds: readonly number[],
  exceptIds: readonly number[],
  { isUnderivedOnly = false }: { isUnderivedOnly?: boolean } = {},
): Promise<TStoredExecution[]> {
  if (pipelineIds.length === 0) return [];
  const { rows } = await sql.query<TRow>(
    `SELECT ${COLUMNS} FROM "PipelineExecution" e
     LEFT JOIN unnest($2::int[]) AS skip(id) ON skip.id = e.id
     WHERE e."pipelineId" = ANY($1::int[]) AND skip.id IS NULL
       AND (NOT $3::boolean OR NOT EXISTS (SELECT 1 FROM "Deployment" d WHERE d."pipelineExecutionId" = e.id))`,
    [pipelineIds, exceptIds, isUnderivedOnly],
  );
  return rows.map(fromRow);
}

/** Rollback executions of a pipeline that started after `after` (they may have undone a deployment from then on). */
export async function readRollbacksAfter(sql: TSql, starts: readonly { pipelineId: number; after: Date }[]): Promise<TStoredExecution[]> {
  if (starts.length === 0) return [];
  const { rows } = await sql.query<TRow>(
    `SELECT ${COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS k("pipelineId" int, after timestamptz)
     JOIN "PipelineExecution" e ON e."pipelineId" = k."pipelineId" AND e."startedAt" >= k.after AT TIME ZONE 'UTC'
     WHERE e."executionType" = 'ROLLBACK'`,
    [JSON.stringify(starts.map((s) => ({ pipelineId: s.pipelineId, after: s.after.toISOString() })))],
  );
  return rows.map(fromRow);
}

/** Rollbacks recorded as having undone one of these executions. */
export async function readRollbacksOf(sql: TSql, targets: readonly { pipelineId: number; executionId: string }[]): Promise<TStoredExecution[]> {
  if (targets.length === 0) return [];
  const { rows } = await sql.query<TRow>(
    `SELECT ${COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS k("pipelineId" int, "executionId" text)
     JOIN "PipelineExecution" e ON e."pipelineId" = k."pipelineId" AND e."rolledBackExecutionId" = k."executionId"
     WHERE e."executionType" = 'ROLLBACK'`,
    [JSON.stringify(targets)],
  );
  return rows.map(fromRow);
}

/**
 * Inserts or updates executions with exactly these values; returns the row
 * ids in input order. Callers pass only rows whose values changed.
 */
export async function writeExecutions(sql: TSql, rows: readonly (TExecutionSnapshot & { pipelineId: number })[]): Promise<number[]> {
  const ids: number[] = [];
  for (const batch of batches(rows, WRITE_BATCH)) {
    const payload = batch.map((r, index) => ({
      index,
      pipelineId: r.pipelineId,
      executionId: r.executionId,
      status: r.status,
      executionType: r.executionType,
      rollbackOf: r.rollbackOf,
      trigger: r.trigger,
      sourceRevisions: r.sourceRevisions,
      stages: r.stages,
      failureReason: r.failureReason,
      failedAction: r.failedAction,
      startedAt: r.startedAt.toISOString(),
      lastUpdatedAt: r.lastUpdatedAt.toISOString(),
      eventClock: r.clock,
    }));
    const { rows: written } = await sql.query<{ index: number; id: number }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(index int, "pipelineId" int, "executionId" text, status text, "executionType" text,
           "rollbackOf" text, trigger jsonb, "sourceRevisions" jsonb, stages jsonb, "failureReason" text, "failedAction" text,
           "startedAt" timestamptz, "lastUpdatedAt" timestamptz, "eventClock" jsonb)
       ),
       upserted AS (
         INSERT INTO "PipelineExecution" AS e ("pipelineId", "executionId", status, "executionType", "rollbackOf", trigger, "sourceRevisions", stages,
           "failureReason", "failedAction", "startedAt", "lastUpdatedAt", "eventClock")
         SELECT "pipelineId", "executionId", status::"ExecutionStatus", "executionType", "rollbackOf", NULLIF(trigger, 'null'::jsonb), "sourceRevisions", stages,
           "failureReason", "failedAction", "startedAt" AT TIME ZONE 'UTC', "lastUpdatedAt" AT TIME ZONE 'UTC', "eventClock"
         FROM input ORDER BY index
         ON CONFLICT ("pipelineId", "executionId") DO UPDATE SET
           status = EXCLUDED.status, "executionType" = EXCLUDED."executionType", "rollbackOf" = EXCLUDED."rollbackOf", trigger = EXCLUDED.trigger,
           "sourceRevisions" = EXCLUDED."sourceRevisions", stages = EXCLUDED.stages, "failureReason" = EXCLUDED."failureReason",
           "failedAction" = EXCLUDED."failedAction", "startedAt" = EXCLUDED."startedAt", "lastUpdatedAt" = EXCLUDED."lastUpdatedAt",
           "eventClock" = EXCLUDED."eventClock"
         RETURNING e.id, e."pipelineId", e."executionId"
       )
       SELECT i.index, u.id FROM input i JOIN upserted u ON u."pipelineId" = i."pipelineId" AND u."executionId" = i."executionId"`,
      [JSON.stringify(payload)],
    );
    const byIndex = new Map(written.map((w) => [w.index, w.id]));
    batch.forEach((_, index) => ids.push(byIndex.get(index)!));
  }
  return ids;
}

/** Whether writing `next` over `stored` would change the row. */
export function isExecutionChanged(stored: TExecutionSnapshot | undefined, next: TExecutionSnapshot): boolean {
  if (!stored) return true;
  const comparable = (e: TExecutionSnapshot) =>
    JSON.stringify([e.status, e.executionType, e.rollbackOf, e.trigger, e.sourceRevisions, e.stages, e.failureReason, e.failedAction, e.startedAt.getTime(), e.lastUpdatedAt.getTime(), e.clock]);
  return comparable(stored) !== comparable(next);
}

/** Sets the rollback → undone execution link. */
export async function writeRolledBackLinks(sql: TSql, links: readonly { id: number; rolledBackExecutionId: string | null }[]): Promise<void> {
  if (links.length === 0) return;
  await sql.query(
    `UPDATE "PipelineExecution" e SET "rolledBackExecutionId" = x."rolledBackExecutionId"
     FROM jsonb_to_recordset($1::jsonb) AS x(id int, "rolledBackExecutionId" text)
     WHERE e.id = x.id AND e."rolledBackExecutionId" IS DISTINCT FROM x."rolledBackExecutionId"`,
    [JSON.stringify(links)],
  );
}

/**
 * Pipeline.latestStatus and latestExecutionAt from the newest execution (by
 * start time, then id): the same answer however the executions arrived.
 */
export async function refreshLatestExecution(sql: TSql, pipelineIds: readonly number[]): Promise<void> {
  if (pipelineIds.length === 0) return;
  await sql.query(
    `UPDATE "Pipeline" p SET "latestStatus" = l.status, "latestExecutionAt" = l."startedAt", "updatedAt" = now() AT TIME ZONE 'UTC'
     FROM unnest($1::int[]) AS t(id)
     CROSS JOIN LATERAL (
       SELECT e.status, e."startedAt" FROM "PipelineExecution" e WHERE e."pipelineId" = t.id
       ORDER BY e."startedAt" DESC, e."executionId" DESC LIMIT 1
     ) l
     WHERE p.id = t.id AND (p."latestStatus", p."latestExecutionAt") IS DISTINCT FROM (l.status, l."startedAt")`,
    [pipelineIds],
  );
}
