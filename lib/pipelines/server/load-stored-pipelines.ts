import "server-only";
import { getPool } from "@/lib/db";
import type { TExecutionStatus, TStageDeclaration, TStageState, TStoredPipeline } from "@/lib/pipelines/collect/types";

export interface TLoadStoredPipelinesOptions {
  /** AwsAccount.id (not the 12-digit account id). */
  awsAccountId: number;
  region: string;
}

const PIPELINES_SQL = /* sql */ `
  SELECT id, name, arn, version, "awsCreatedAt" AT TIME ZONE 'UTC' AS "awsCreatedAt", "awsUpdatedAt" AT TIME ZONE 'UTC' AS "awsUpdatedAt",
         structure, "prodStage", state, "lastSyncedAt" IS NOT NULL AS "isSynced"
  FROM "Pipeline" WHERE "awsAccountId" = $1 AND region = $2 AND "deletedAt" IS NULL`;

/**
 * The executions a sync must know to stay incremental (TStoredPipeline.executions):
 * the newest of each pipeline, every one not finished yet, and every one the
 * stored state shows (a stage's latest execution or one waiting to enter it),
 * so that an unchanged GetPipelineState needs no ListPipelineExecutions.
 */
const EXECUTIONS_SQL = /* sql */ `
  WITH pipelines AS (
    SELECT id, state FROM "Pipeline" WHERE "awsAccountId" = $1 AND region = $2 AND "deletedAt" IS NULL
  )
  SELECT e."pipelineId", e."executionId", e.status
  FROM pipelines p JOIN "PipelineExecution" e ON e."pipelineId" = p.id
  WHERE e.status IN ('IN_PROGRESS', 'STOPPING')
  UNION
  SELECT e."pipelineId", e."executionId", e.status
  FROM pipelines p
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(p.state) = 'array' THEN p.state ELSE '[]'::jsonb END) AS s(stage)
  CROSS JOIN LATERAL (
    SELECT s.stage -> 'latestExecution' ->> 'executionId' AS id
    UNION ALL
    SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(s.stage -> 'inboundExecutionIds') = 'array' THEN s.stage -> 'inboundExecutionIds' ELSE '[]'::jsonb END)
  ) ref
  JOIN "PipelineExecution" e ON e."pipelineId" = p.id AND e."executionId" = ref.id
  UNION
  SELECT p.id, l."executionId", l.status
  FROM pipelines p
  CROSS JOIN LATERAL (
    SELECT e."executionId", e.status FROM "PipelineExecution" e WHERE e."pipelineId" = p.id ORDER BY e."startedAt" DESC, e."executionId" DESC LIMIT 1
  ) l`;

/**
 * What syncRegion needs to know of one account × region, by pipeline name.
 * Pipelines removed from AWS are left out (a pipeline that comes back is
 * synced as new). Recent production executions are not loaded: which
 * deployment a rollback undid is decided against the database after the
 * write (lib/pipelines/server/apply-execution-deployments.ts), which also
 * sees older history and executions that arrived through events.
 */
export async function loadStoredPipelines({ awsAccountId, region }: TLoadStoredPipelinesOptions): Promise<Map<string, TStoredPipeline>> {
  const pool = getPool();
  const [pipelines, executions] = await Promise.all([
    pool.query<{
      id: number;
      name: string;
      arn: string;
      version: number;
      awsCreatedAt: Date | null;
      awsUpdatedAt: Date | null;
      structure: TStageDeclaration[];
      prodStage: string | null;
      state: TStageState[];
      isSynced: boolean;
    }>(
      PIPELINES_SQL,
      [awsAccountId, region],
    ),
    pool.query<{ pipelineId: number; executionId: string; status: TExecutionStatus }>(EXECUTIONS_SQL, [awsAccountId, region]),
  ]);
  const known = new Map<number, Map<string, TExecutionStatus>>();
  for (const e of executions.rows) {
    const map = known.get(e.pipelineId) ?? new Map<string, TExecutionStatus>();
    map.set(e.executionId, e.status);
    known.set(e.pipelineId, map);
  }
  const stored = new Map<string, TStoredPipeline>();
  for (const p of pipelines.rows) {
    stored.set(p.name, {
      name: p.name,
      arn: p.arn,
      version: p.version,
      awsCreatedAt: p.awsCreatedAt,
      awsUpdatedAt: p.awsUpdatedAt,
      structure: Array.isArray(p.structure) ? p.structure : [],
      prodStage: p.prodStage,
      // A pipeline only events have seen: the first sync lists its executions whatever the state says.
      state: p.isSynced && Array.isArray(p.state) ? p.state : null,
      executions: known.get(p.id) ?? new Map(),
    });
  }
  return stored;
}
