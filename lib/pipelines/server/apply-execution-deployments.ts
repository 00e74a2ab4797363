import "server-only";
import { findRolledBackExecution } from "@/lib/pipelines/deployments-from-executions";
import type { TProductionExecution } from "@/lib/pipelines/collect/types";
import { DEPLOYMENT_SOURCE, decide, deploymentRow, type TDeploymentRow, type TPipelineRef } from "@/lib/pipelines/server/deployment-rows";
import {
  executionKey,
  readExecutions,
  readPipelineExecutions,
  readUnderivedExecutions,
  readRollbacksAfter,
  readRollbacksOf,
  writeRolledBackLinks,
  type TStoredExecution,
} from "@/lib/pipelines/server/execution-store";
import { batches, type TSql } from "@/lib/db/transaction";

export interface TPipelineForDeployments extends TPipelineRef {
  /** Pipeline.deploymentsBasis as stored. */
  deploymentsBasis: string | null;
  /** Created by this write: every execution it has is among those written. */
  isNew?: boolean;
}

export interface TApplyExecutionDeploymentsOptions {
  sql: TSql;
  /** Executions just written, as stored now. */
  executions: readonly TStoredExecution[];
  /** Their pipelines, and any other pipeline whose service or production stage may have changed. */
  pipelines: ReadonlyMap<number, TPipelineForDeployments>;
}

export interface TDeploymentChanges {
  created: number;
  updated: number;
  deleted: number;
  /** Deployments newly marked rolled back, or no longer. */
  rollbackMarks: number;
  /** Deployments created, or whose own fields changed (not only their commits): incidents may need attributing again once written. */
  deploymentIds: number[];
}

export function noDeploymentChanges(): TDeploymentChanges {
  return { created: 0, updated: 0, deleted: 0, rollbackMarks: 0, deploymentIds: [] };
}

const UPSERT_BATCH = 2000;

export function deploymentsBasis(pipeline: Pick<TPipelineRef, "serviceId" | "prodStage">): string {
  return `${pipeline.serviceId ?? ""}|${pipeline.prodStage ?? ""}`;
}

/**
 * Inserts or updates CodePipeline deployments and their changes. A deployment
 * is found by its execution first (rows made before this code, such as the
 * demo seed, keep their external id), then by source + external id. A
 * ROLLED_BACK mark is left alone here (see reconcileRollbacks). A change's
 * commit and author times are never invented: they come from the same commit
 * recorded through the ingest API, when it is, and stay null otherwise.
 */
async function upsertDeployments(sql: TSql, rows: readonly TDeploymentRow[]): Promise<{ created: number; updated: number; deploymentIds: number[] }> {
  let created = 0;
  let updated = 0;
  const deploymentIds: number[] = [];
  for (const batch of batches(rows, UPSERT_BATCH)) {
    const payload = batch.map((r) => ({ ...r, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt.toISOString() }));
    const { rows: counts } = await sql.query<{ created: number; updated: number; moved: number[] }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("pipelineExecutionId" int, "serviceId" int, environment text, status text,
           "startedAt" timestamptz, "finishedAt" timestamptz, version text, source text, "externalId" text, url text, changes jsonb)
       ),
       existing AS (
         SELECT d.id, d."pipelineExecutionId" FROM "Deployment" d JOIN input i ON d."pipelineExecutionId" = i."pipelineExecutionId"
       ),
       updated AS (
         UPDATE "Deployment" d SET "serviceId" = i."serviceId", environment = i.environment,
           status = CASE WHEN d.status = 'ROLLED_BACK' THEN d.status ELSE i.status::"DeploymentStatus" END,
           "startedAt" = i."startedAt" AT TIME ZONE 'UTC', "finishedAt" = i."finishedAt" AT TIME ZONE 'UTC', version = i.version, url = i.url,
           "updatedAt" = now() AT TIME ZONE 'UTC'
         FROM input i
         WHERE d."pipelineExecutionId" = i."pipelineExecutionId"
           AND (d."serviceId", d.environment, d.status::text, d."startedAt", d."finishedAt", d.version, d.url) IS DISTINCT FROM
               (i."serviceId", i.environment, CASE WHEN d.status = 'ROLLED_BACK' THEN 'ROLLED_BACK' ELSE i.status END,
                i."startedAt" AT TIME ZONE 'UTC', i."finishedAt" AT TIME ZONE 'UTC', i.version, i.url)
         RETURNING d.id
       ),
       inserted AS (
         INSERT INTO "Deployment" AS d ("serviceId", environment, status, "startedAt", "finishedAt", version, source, "externalId", url,
                                        "pipelineExecutionId", "updatedAt")
         SELECT "serviceId", environment, status::"DeploymentStatus", "startedAt" AT TIME ZONE 'UTC', "finishedAt" AT TIME ZONE 'UTC', version,
                source, "externalId", url, "pipelineExecutionId", now() AT TIME ZONE 'UTC'
         FROM input i WHERE NOT EXISTS (SELECT 1 FROM existing x WHERE x."pipelineExecutionId" = i."pipelineExecutionId")
         ON CONFLICT (source, "externalId") DO UPDATE SET
           "pipelineExecutionId" = EXCLUDED."pipelineExecutionId", "serviceId" = EXCLUDED."serviceId", environment = EXCLUDED.environment,
           status = CASE WHEN d.status = 'ROLLED_BACK' THEN d.status ELSE EXCLUDED.status END,
           "startedAt" = EXCLUDED."startedAt", "finishedAt" = EXCLUDED."finishedAt", version = EXCLUDED.version, url = EXCLUDED.url,
           "updatedAt" = EXCLUDED."updatedAt"
         RETURNING d.id, d."pipelineExecutionId", (xmax = 0) AS "isInserted"
       ),
       ids AS (
         SELECT id, "pipelineExecutionId" FROM existing UNION ALL SELECT id, "pipelineExecutionId" FROM inserted
       ),
       wanted AS (
         SELECT ids.id AS "deploymentId", c.sha, c.message, c.url
         FROM input i JOIN ids ON ids."pipelineExecutionId" = i."pipelineExecutionId"
         CROSS JOIN LATERAL jsonb_to_recordset(i.changes) AS c(sha text, message text, url text)
       ),
       known AS (
         SELECT DISTINCT ON (c.sha) c.sha, c."authoredAt", c."committedAt"
         FROM "Change" c JOIN "Deployment" d ON d.id = c."deploymentId"
         WHERE c.sha IN (SELECT sha FROM wanted) AND d.source <> '${DEPLOYMENT_SOURCE}'
           AND (c."committedAt" IS NOT NULL OR c."authoredAt" IS NOT NULL)
         ORDER BY c.sha, c.id
       ),
       changed AS (
         INSERT INTO "Change" AS c ("deploymentId", sha, "authoredAt", "committedAt", message, url)
         SELECT w."deploymentId", w.sha, k."authoredAt", k."committedAt", w.message, w.url FROM wanted w LEFT JOIN known k ON k.sha = w.sha
         ON CONFLICT ("deploymentId", sha) DO UPDATE SET
           "authoredAt" = COALESCE(c."authoredAt", EXCLUDED."authoredAt"), "committedAt" = COALESCE(c."committedAt", EXCLUDED."committedAt"),
           message = EXCLUDED.message, url = EXCLUDED.url
         WHERE (c."authoredAt", c."committedAt", c.message, c.url) IS DISTINCT FROM
               (COALESCE(c."authoredAt", EXCLUDED."authoredAt"), COALESCE(c."committedAt", EXCLUDED."committedAt"), EXCLUDED.message, EXCLUDED.url)
         RETURNING c."deploymentId"
       ),
       -- A deployment inserted now has no changes yet: only those that existed can hold changes that no longer apply.
       stale AS (
         DELETE FROM "Change" c USING (SELECT id FROM existing UNION ALL SELECT id FROM inserted WHERE NOT "isInserted") old
         WHERE c."deploymentId" = old.id AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w."deploymentId" = c."deploymentId" AND w.sha = c.sha)
         RETURNING c."deploymentId"
       ),
       touched AS (
         SELECT id FROM updated UNION SELECT id FROM inserted WHERE NOT "isInserted"
         UNION SELECT "deploymentId" FROM changed UNION SELECT "deploymentId" FROM stale
       )
       SELECT (SELECT count(*) FROM inserted WHERE "isInserted")::int AS created,
              (SELECT count(*) FROM touched WHERE id NOT IN (SELECT id FROM inserted WHERE "isInserted"))::int AS updated,
              ARRAY(SELECT id FROM inserted UNION SELECT id FROM updated) AS moved`,
      [JSON.stringify(payload)],
    );
    created += counts[0]?.created ?? 0;
    updated += counts[0]?.updated ?? 0;
    deploymentIds.push(...(counts[0]?.moved ?? []));
  }
  return { created, updated, deploymentIds };
}

/** Deletes the CodePipeline deployments of executions that are (no longer) deployments. */
async function deleteDeployments(sql: TSql, executionRowIds: readonly number[]): Promise<number> {
  if (executionRowIds.length === 0) return 0;
  const { rowCount } = await sql.query(`DELETE FROM "Deployment" WHERE "pipelineExecutionId" = ANY($1::int[]) AND source = $2`, [
    executionRowIds,
    DEPLOYMENT_SOURCE,
  ]);
  return rowCount ?? 0;
}

/** The latest production deployments of a pipeline that reached production before `before`. */
async function productionCandidates(sql: TSql, pipelineId: number, before: Date): Promise<TProductionExecution[]> {
  const { rows } = await sql.query<{ executionId: string; reachedProductionAt: Date }>(
    `SELECT e."executionId", d."startedAt" AT TIME ZONE 'UTC' AS "reachedProductionAt"
     FROM "PipelineExecution" e JOIN "Deployment" d ON d."pipelineExecutionId" = e.id
     WHERE e."pipelineId" = $1 AND e."executionType" = 'STANDARD'
       AND e."startedAt" < $2::timestamptz AT TIME ZONE 'UTC' AND d."startedAt" < $2::timestamptz AT TIME ZONE 'UTC'
     ORDER BY d."startedAt" DESC, e."executionId" DESC LIMIT 3`,
    [pipelineId, before.toISOString()],
  );
  return rows;
}

/**
 * Which deployment each rollback undid, and the ROLLED_BACK marks that
 * follow: a deployment is rolled back exactly when some succeeded rollback
 * of its pipeline undid it (remediated when the first such rollback
 * finished). Recomputed for the rollbacks the written executions can affect,
 * so the answer does not depend on which execution was stored first.
 */
async function reconcileRollbacks(
  sql: TSql,
  touched: readonly TStoredExecution[],
  pipelines: ReadonlyMap<number, TPipelineForDeployments>,
): Promise<number> {
  const earliest = new Map<number, Date>();
  for (const e of touched) {
    if (e.executionType !== "STANDARD") continue;
    const current = earliest.get(e.pipelineId);
    if (!current || e.startedAt < current) earliest.set(e.pipelineId, e.startedAt);
  }
  const rollbacks = new Map<number, TStoredExecution>();
  for (const e of touched) if (e.executionType === "ROLLBACK") rollbacks.set(e.id, e);
  for (const e of await readRollbacksAfter(sql, [...earliest].map(([pipelineId, after]) => ({ pipelineId, after })))) rollbacks.set(e.id, e);
  if (rollbacks.size === 0) return 0;

  const links: { id: number; rolledBackExecutionId: string | null }[] = [];
  const targets = new Map<string, { pipelineId: number; executionId: string }>();
  const addTarget = (pipelineId: number, executionId: string | null) => {
    if (executionId !== null) targets.set(executionKey(pipelineId, executionId), { pipelineId, executionId });
  };
  for (const rollback of rollbacks.values()) {
    const pipeline = pipelines.get(rollback.pipelineId);
    const decision = pipeline ? decide(rollback, pipeline) : null;
    let undone: string | null = null;
    if (decision?.kind === "rollback") {
      undone = findRolledBackExecution(
        { executionId: rollback.executionId, startedAt: rollback.startedAt, rollbackTargetExecutionId: rollback.rollbackOf },
        await productionCandidates(sql, rollback.pipelineId, rollback.startedAt),
      );
    }
    if (undone !== rollback.rolledBackExecutionId) links.push({ id: rollback.id, rolledBackExecutionId: undone });
    addTarget(rollback.pipelineId, rollback.rolledBackExecutionId);
    addTarget(rollback.pipelineId, undone);
  }
  await writeRolledBackLinks(sql, links);
  if (targets.size === 0) return 0;

  const [targetRows, markers] = await Promise.all([readExecutions(sql, [...targets.values()]), readRollbacksOf(sql, [...targets.values()])]);
  const marks: { pipelineExecutionId: number; status: string; remediatedAt: string | null }[] = [];
  for (const [key, target] of targets) {
    const execution = targetRows.get(key);
    const pipeline = pipelines.get(target.pipelineId);
    if (!execution || !pipeline) continue;
    let remediatedAt: Date | null = null;
    for (const marker of markers) {
      if (marker.pipelineId !== target.pipelineId || marker.rolledBackExecutionId !== target.executionId) continue;
      const decision = decide(marker, pipeline);
      if (decision.kind !== "rollback") continue;
      const at = decision.remediatedAt;
      if (!remediatedAt || at < remediatedAt) remediatedAt = at;
    }
    const base = decide(execution, pipeline);
    if (base.kind !== "deployment") continue;
    marks.push({
      pipelineExecutionId: execution.id,
      status: remediatedAt ? "ROLLED_BACK" : base.status,
      remediatedAt: remediatedAt?.toISOString() ?? null,
    });
  }
  if (marks.length === 0) return 0;
  const { rowCount } = await sql.query(
    `UPDATE "Deployment" d SET status = x.status::"DeploymentStatus", "remediatedAt" = x."remediatedAt" AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC'
     FROM jsonb_to_recordset($1::jsonb) AS x("pipelineExecutionId" int, status text, "remediatedAt" timestamptz)
     WHERE d."pipelineExecutionId" = x."pipelineExecutionId" AND d.source = $2
       AND (d.status::text, d."remediatedAt") IS DISTINCT FROM (x.status, x."remediatedAt" AT TIME ZONE 'UTC')`,
    [JSON.stringify(marks), DEPLOYMENT_SOURCE],
  );
  return rowCount ?? 0;
}

/** The production stage a basis was derived with. */
function basisProdStage(basis: string): string {
  return basis.slice(basis.indexOf("|") + 1);
}

/**
 * Executions of pipelines whose service or production stage changed since
 * their deployments were derived. A new service only moves the deployments
 * and derives executions that had none (`underived`); a new production stage
 * changes which executions are deployments at all, so every execution of
 * that pipeline is decided again (`redecided`).
 */
async function rebasedExecutions(
  sql: TSql,
  pipelines: ReadonlyMap<number, TPipelineForDeployments>,
  touchedIds: readonly number[],
): Promise<{ underived: TStoredExecution[]; redecided: TStoredExecution[] }> {
  const changed = [...pipelines.values()].filter((p) => deploymentsBasis(p) !== p.deploymentsBasis);
  if (changed.length === 0) return { underived: [], redecided: [] };
  await sql.query(
    `UPDATE "Pipeline" p SET "deploymentsBasis" = x.basis FROM jsonb_to_recordset($1::jsonb) AS x(id int, basis text) WHERE p.id = x.id`,
    [JSON.stringify(changed.map((p) => ({ id: p.id, basis: deploymentsBasis(p) })))],
  );
  const derivable = changed.filter((p) => p.serviceId !== null && p.prodStage !== null);
  if (derivable.length === 0) return { underived: [], redecided: [] };
  // Deployments that exist follow the pipeline to its (new) service; their other fields stay as recorded.
  await sql.query(
    `UPDATE "Deployment" d SET "serviceId" = p."serviceId", "updatedAt" = now() AT TIME ZONE 'UTC'
     FROM "PipelineExecution" e JOIN "Pipeline" p ON p.id = e."pipelineId"
     WHERE d."pipelineExecutionId" = e.id AND p.id = ANY($1::int[]) AND d.source = $2 AND d."serviceId" <> p."serviceId"`,
    [derivable.map((p) => p.id), DEPLOYMENT_SOURCE],
  );
  const older = derivable.filter((p) => !p.isNew);
  const isRestaged = (p: TPipelineForDeployments) => p.deploymentsBasis !== null && basisProdStage(p.deploymentsBasis) !== p.prodStage;
  const [underived, redecided] = await Promise.all([
    readUnderivedExecutions(sql, older.filter((p) => !isRestaged(p)).map((p) => p.id), touchedIds),
    readPipelineExecutions(sql, older.filter(isRestaged).map((p) => p.id), touchedIds),
  ]);
  return { underived, redecided };
}

/**
 * Makes the deployments follow the executions just written: an execution
 * that is a production deployment (decideDeployment) has exactly one
 * Deployment row with its changes, one that is not has none, and rollbacks
 * mark what they undid. Re-applying changes nothing.
 *
 * When a pipeline's service or production stage changed (a tag, a catalog
 * import, the first definition fetch after events created it), its other
 * executions are derived again (see rebasedExecutions).
 */
export async function applyExecutionDeployments({ sql, executions, pipelines }: TApplyExecutionDeploymentsOptions): Promise<TDeploymentChanges> {
  const { underived, redecided } = await rebasedExecutions(
    sql,
    pipelines,
    executions.map((e) => e.id),
  );
  // Executions that had no deployment and still make none need no delete.
  const underivedIds = new Set(underived.map((e) => e.id));
  const all = [...executions, ...redecided, ...underived];
  const rows: TDeploymentRow[] = [];
  const none: number[] = [];
  for (const execution of all) {
    const pipeline = pipelines.get(execution.pipelineId);
    if (!pipeline) continue;
    const decision = decide(execution, pipeline);
    if (decision.kind === "deployment" && pipeline.serviceId !== null) {
      rows.push(deploymentRow(decision, execution, { ...pipeline, serviceId: pipeline.serviceId }));
    } else if (!underivedIds.has(execution.id)) {
      none.push(execution.id);
    }
  }
  const { created, updated, deploymentIds } = await upsertDeployments(sql, rows);
  const deleted = await deleteDeployments(sql, none);
  const rollbackMarks = await reconcileRollbacks(sql, all, pipelines);
  return { created, updated, deleted, rollbackMarks, deploymentIds };
}
