import "server-only";
import { parseTagSelector } from "@/lib/pipelines/pipeline-mapping";
import type { TStageDeclaration } from "@/lib/pipelines/collect/types";
import { applyExecutionDeployments, noDeploymentChanges, type TDeploymentChanges, type TPipelineForDeployments } from "@/lib/pipelines/server/apply-execution-deployments";
import { reattributeAfterWrite } from "@/lib/pipelines/server/reattribute-after-write";
import { resolvePipelineMappings } from "@/lib/pipelines/server/resolve-pipeline-mappings";
import { inTransaction } from "@/lib/db/transaction";

export interface TRemapPipelinesOptions {
  /** Pipelines mapped to these services now… */
  serviceIds: readonly number[];
  /** …or mapped by these ARNs or tag selectors ("tags:k=v, …") from now on. */
  arns: readonly string[];
}

export interface TRemapOutcome {
  /** Pipelines whose service or production stage changed. */
  pipelines: number;
  deployments: TDeploymentChanges;
}

/**
 * Applies the catalog as it stands now to the stored pipelines, without
 * waiting for the next sync: each pipeline's service (ARN mappings and tag
 * selectors) and production stage (portside.dev/prod-stage), then the
 * deployments that follow from them. Only the pipelines the change can
 * concern are read. Locks them in id order, as the sync does, so the two
 * never deadlock. Idempotent.
 */
export async function remapPipelines(options: TRemapPipelinesOptions): Promise<TRemapOutcome> {
  const outcome = await remapInTransaction(options);
  await reattributeAfterWrite(outcome.deployments.deploymentIds);
  return outcome;
}

async function remapInTransaction({ serviceIds, arns }: TRemapPipelinesOptions): Promise<TRemapOutcome> {
  const selectors = arns.flatMap((arn) => {
    const pairs = parseTagSelector(arn);
    return pairs ? [JSON.stringify(Object.fromEntries(pairs))] : [];
  });
  return inTransaction(async (sql) => {
    const { rows } = await sql.query<{
      id: number;
      arn: string;
      name: string;
      region: string;
      tags: Record<string, string>;
      structure: TStageDeclaration[];
      serviceId: number | null;
      prodStage: string | null;
      deploymentsBasis: string | null;
    }>(
      `SELECT id, arn, name, region, tags, structure, "serviceId", "prodStage", "deploymentsBasis"
       FROM "Pipeline"
       WHERE "deletedAt" IS NULL AND ("serviceId" = ANY($1::int[]) OR arn = ANY($2::text[]) OR tags @> ANY($3::jsonb[]))
       ORDER BY id FOR UPDATE`,
      [serviceIds, arns, selectors],
    );
    const mapped = await resolvePipelineMappings(
      sql,
      rows.map((r) => ({ arn: r.arn, tags: r.tags, stageNames: Array.isArray(r.structure) ? r.structure.map((s) => s.name) : [], serviceId: r.serviceId })),
    );
    const changed = rows.flatMap((r, i) => {
      const next = mapped[i]!;
      return next.serviceId === r.serviceId && next.prodStage === r.prodStage ? [] : [{ ...r, ...next }];
    });
    if (changed.length === 0) return { pipelines: 0, deployments: noDeploymentChanges() };
    await sql.query(
      `UPDATE "Pipeline" p SET "serviceId" = x."serviceId", "prodStage" = x."prodStage", "updatedAt" = now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS x(id int, "serviceId" int, "prodStage" text) WHERE p.id = x.id`,
      [JSON.stringify(changed.map((c) => ({ id: c.id, serviceId: c.serviceId, prodStage: c.prodStage })))],
    );
    const pipelines = new Map<number, TPipelineForDeployments>(
      changed.map((c) => [c.id, { id: c.id, arn: c.arn, name: c.name, region: c.region, serviceId: c.serviceId, prodStage: c.prodStage, deploymentsBasis: c.deploymentsBasis }]),
    );
    const deployments = await applyExecutionDeployments({ sql, executions: [], pipelines });
    return { pipelines: changed.length, deployments };
  });
}
