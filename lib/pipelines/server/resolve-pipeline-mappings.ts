import "server-only";
import { PIPELINE_TAG_SELECTOR_TYPE, TAG_SELECTOR_PREFIX, pipelineProdStage, resolvePipelineService, type TPipelineMapping } from "@/lib/pipelines/pipeline-mapping";
import type { TSql } from "@/lib/db/transaction";

export interface TPipelineToMap {
  arn: string;
  /** Its AWS tags as last read. */
  tags: Readonly<Record<string, string>>;
  stageNames: readonly string[];
  /** What it has now: kept when nothing maps it (a sync never unmaps a pipeline). */
  serviceId: number | null;
}

export interface TPipelineMappingResult {
  serviceId: number | null;
  prodStage: string | null;
}

/**
 * The service and production stage of each pipeline, from the mappings of
 * its ARN, the catalog's tag selectors and the service's
 * portside.dev/prod-stage annotation (lib/pipelines/pipeline-mapping.ts).
 * Two reads, whatever the number of pipelines. Results in input order.
 */
export async function resolvePipelineMappings(sql: TSql, pipelines: readonly TPipelineToMap[]): Promise<TPipelineMappingResult[]> {
  if (pipelines.length === 0) return [];
  const { rows: mappings } = await sql.query<TPipelineMapping>(
    `SELECT id, arn, source::text AS source, "serviceId" FROM "ResourceMapping"
     WHERE arn = ANY($1::text[]) OR (arn LIKE $2 AND "resourceType" = $3)`,
    [pipelines.map((p) => p.arn), `${TAG_SELECTOR_PREFIX}%`, PIPELINE_TAG_SELECTOR_TYPE],
  );
  const serviceIds = pipelines.map((p) => resolvePipelineService(p, mappings)?.serviceId ?? p.serviceId);
  const { rows: annotated } = await sql.query<{ id: number; pipelineProdStage: string }>(
    `SELECT id, "pipelineProdStage" FROM "Service" WHERE id = ANY($1::int[]) AND "pipelineProdStage" IS NOT NULL`,
    [[...new Set(serviceIds.filter((id): id is number => id !== null))]],
  );
  const annotation = new Map(annotated.map((s) => [s.id, s.pipelineProdStage]));
  return pipelines.map((p, i) => {
    const serviceId = serviceIds[i] ?? null;
    return { serviceId, prodStage: pipelineProdStage({ stageNames: p.stageNames, tags: p.tags, annotation: serviceId === null ? null : annotation.get(serviceId) }) };
  });
}
