import "server-only";
import { log } from "@/lib/log";
import type { TSyncRegionResult } from "@/lib/pipelines/collect/sync-region";
import type { TStageDeclaration, TStageState } from "@/lib/pipelines/collect/types";
import { applyExecutionDeployments, type TDeploymentChanges, type TPipelineForDeployments } from "@/lib/pipelines/server/apply-execution-deployments";
import {
  executionKey,
  isExecutionChanged,
  readExecutions,
  refreshLatestExecution,
  writeExecutions,
  type TStoredExecution,
} from "@/lib/pipelines/server/execution-store";
import { mergeSyncedExecution, type TClock, type TExecutionSnapshot } from "@/lib/pipelines/server/merge";
import { resolvePipelineMappings } from "@/lib/pipelines/server/resolve-pipeline-mappings";
import { inTransaction, type TSql } from "@/lib/db/transaction";

export const PIPELINE_RESOURCE_TYPE = "AWS::CodePipeline::Pipeline";
export const SERVICE_TAG_DETAIL = "tag portside:service";

export interface TStoreRegionSyncOptions {
  /** AwsAccount.id of the account synced. */
  awsAccountId: number;
  result: TSyncRegionResult;
  /**
   * When the sync started reading AWS. The state it read is newer than any
   * event up to then; an event applied after then may be newer than what it
   * read, so such a pipeline keeps its state until the next sync.
   */
  syncStartedAt: Date;
}

export interface TStoreRegionSyncOutcome {
  pipelines: number;
  createdPipelines: number;
  removedPipelines: number;
  /** Executions inserted or changed. */
  executions: number;
  deployments: TDeploymentChanges;
}

interface TCurrentPipeline {
  id: number;
  name: string;
  arn: string;
  serviceId: number | null;
  prodStage: string | null;
  version: number;
  awsCreatedAt: Date | null;
  awsUpdatedAt: Date | null;
  structure: TStageDeclaration[];
  tags: Record<string, string>;
  state: TStageState[];
  stateClock: TClock;
  stateUpdatedAt: Date | null;
  deploymentsBasis: string | null;
}

async function lockPipelines(sql: TSql, awsAccountId: number, region: string, names: readonly string[]): Promise<Map<string, TCurrentPipeline>> {
  const { rows } = await sql.query<TCurrentPipeline>(
    `SELECT id, name, arn, "serviceId", "prodStage", version, "awsCreatedAt" AT TIME ZONE 'UTC' AS "awsCreatedAt",
            "awsUpdatedAt" AT TIME ZONE 'UTC' AS "awsUpdatedAt", structure, tags, state, "stateClock",
            "stateUpdatedAt" AT TIME ZONE 'UTC' AS "stateUpdatedAt", "deploymentsBasis"
     FROM "Pipeline" WHERE "awsAccountId" = $1 AND region = $2 AND name = ANY($3::text[])
     ORDER BY id FOR UPDATE`,
    [awsAccountId, region, names],
  );
  return new Map(rows.map((r) => [r.name, r]));
}

/**
 * The portside:service tag is a mapping like any other (ResourceMapping,
 * source AWS_TAG), so that it is visible on the service page. Tags are known
 * only when the definition was fetched; otherwise the stored mapping stands.
 */
async function recordServiceTags(sql: TSql, awsAccountId: number, pipelines: TSyncRegionResult["pipelines"]): Promise<void> {
  const withDefinition = pipelines.filter((p) => p.definition !== null);
  const tags = [...new Set(withDefinition.map((p) => p.definition?.serviceTag).filter((t): t is string => Boolean(t)))];
  const { rows: services } = await sql.query<{ id: number; slug: string }>(`SELECT id, slug FROM "Service" WHERE slug = ANY($1::text[])`, [tags]);
  const serviceBySlug = new Map(services.map((s) => [s.slug, s.id]));

  const tagged = withDefinition.flatMap((p) => {
    const serviceId = p.definition?.serviceTag ? serviceBySlug.get(p.definition.serviceTag) : undefined;
    if (p.definition?.serviceTag && serviceId === undefined) {
      log.warn({ pipeline: p.arn, tag: p.definition.serviceTag }, "portside:service tag names no catalog service; the pipeline keeps its mapping");
    }
    return serviceId === undefined ? [] : [{ arn: p.arn, serviceId }];
  });
  const taggedArns = new Set(tagged.map((t) => t.arn));
  const untagged = withDefinition.filter((p) => !taggedArns.has(p.arn)).map((p) => p.arn);
  if (tagged.length > 0) {
    await sql.query(
      `INSERT INTO "ResourceMapping" ("serviceId", "awsAccountId", "resourceType", arn, source, "sourceDetail")
       SELECT x."serviceId", $2, $3, x.arn, 'AWS_TAG', $4 FROM jsonb_to_recordset($1::jsonb) AS x(arn text, "serviceId" int)
       ON CONFLICT (arn, source) DO UPDATE SET "serviceId" = EXCLUDED."serviceId"
       WHERE "ResourceMapping"."serviceId" IS DISTINCT FROM EXCLUDED."serviceId"`,
      [JSON.stringify(tagged), awsAccountId, PIPELINE_RESOURCE_TYPE, SERVICE_TAG_DETAIL],
    );
  }
  if (untagged.length > 0) {
    await sql.query(`DELETE FROM "ResourceMapping" WHERE source = 'AWS_TAG' AND arn = ANY($1::text[])`, [untagged]);
  }
}

/**
 * Writes one account × region's sync result (syncRegion) in one transaction:
 * pipelines, their executions, deployments from executions, and pipelines
 * gone from AWS. Idempotent: storing the same result twice changes nothing
 * the second time but the sync times.
 */
export async function storeRegionSync({ awsAccountId, result, syncStartedAt }: TStoreRegionSyncOptions): Promise<TStoreRegionSyncOutcome> {
  const { region } = result;
  return inTransaction(async (sql) => {
    const names = [...result.pipelines.map((p) => p.name), ...result.removedPipelines];
    const current = await lockPipelines(sql, awsAccountId, region, names);
    await recordServiceTags(sql, awsAccountId, result.pipelines);
    // Structure, version, tags and ListPipelines' times change only with a fetched definition.
    const definitions = result.pipelines.map((p) => {
      const kept = p.definition === null ? current.get(p.name) : undefined;
      return kept
        ? { version: kept.version, structure: kept.structure, tags: kept.tags, awsCreatedAt: kept.awsCreatedAt, awsUpdatedAt: kept.awsUpdatedAt }
        : { version: p.version, structure: p.definition?.structure ?? [], tags: p.definition?.tags ?? {}, awsCreatedAt: p.created, awsUpdatedAt: p.updated };
    });
    const mapped = await resolvePipelineMappings(
      sql,
      result.pipelines.map((p, i) => ({ arn: p.arn, tags: definitions[i]!.tags, stageNames: definitions[i]!.structure.map((s) => s.name), serviceId: current.get(p.name)?.serviceId ?? null })),
    );

    const rows = result.pipelines.map((p, i) => {
      const before = current.get(p.name);
      // An event newer than the start of this sync was applied meanwhile: its state is at least as new as what was read.
      const isStateNewer = before?.stateUpdatedAt != null && before.stateUpdatedAt > syncStartedAt;
      return {
        name: p.name,
        arn: p.arn,
        serviceId: mapped[i]!.serviceId,
        version: definitions[i]!.version,
        awsCreatedAt: definitions[i]!.awsCreatedAt?.toISOString() ?? null,
        awsUpdatedAt: definitions[i]!.awsUpdatedAt?.toISOString() ?? null,
        prodStage: mapped[i]!.prodStage,
        structure: definitions[i]!.structure,
        tags: definitions[i]!.tags,
        state: isStateNewer ? before.state : p.state,
        stateClock: isStateNewer ? before.stateClock : {},
        stateUpdatedAt: (isStateNewer ? before.stateUpdatedAt! : syncStartedAt).toISOString(),
        lastSyncedAt: syncStartedAt.toISOString(),
      };
    });
    const { rows: written } = rows.length
      ? await sql.query<{ id: number; name: string; isInserted: boolean }>(
          `INSERT INTO "Pipeline" AS p ("awsAccountId", region, name, arn, "serviceId", version, "awsCreatedAt", "awsUpdatedAt", "prodStage", structure, tags,
                                        state, "stateClock", "stateUpdatedAt", "lastSyncedAt", "deletedAt", "updatedAt")
           SELECT $1, $2, x.name, x.arn, x."serviceId", x.version, x."awsCreatedAt" AT TIME ZONE 'UTC', x."awsUpdatedAt" AT TIME ZONE 'UTC', x."prodStage",
                  x.structure, x.tags, x.state, x."stateClock", x."stateUpdatedAt" AT TIME ZONE 'UTC', x."lastSyncedAt" AT TIME ZONE 'UTC', NULL, now() AT TIME ZONE 'UTC'
           FROM jsonb_to_recordset($3::jsonb) AS x(name text, arn text, "serviceId" int, version int, "awsCreatedAt" timestamptz, "awsUpdatedAt" timestamptz,
                                                   "prodStage" text, structure jsonb, tags jsonb, state jsonb, "stateClock" jsonb, "stateUpdatedAt" timestamptz,
                                                   "lastSyncedAt" timestamptz)
           ON CONFLICT ("awsAccountId", region, name) DO UPDATE SET
             arn = EXCLUDED.arn, "serviceId" = EXCLUDED."serviceId", version = EXCLUDED.version, "awsCreatedAt" = EXCLUDED."awsCreatedAt",
             "awsUpdatedAt" = EXCLUDED."awsUpdatedAt", "prodStage" = EXCLUDED."prodStage",
             structure = EXCLUDED.structure, tags = EXCLUDED.tags, state = EXCLUDED.state, "stateClock" = EXCLUDED."stateClock",
             "stateUpdatedAt" = EXCLUDED."stateUpdatedAt", "lastSyncedAt" = EXCLUDED."lastSyncedAt", "deletedAt" = NULL,
             "updatedAt" = EXCLUDED."updatedAt"
           RETURNING id, name, (xmax = 0) AS "isInserted"`,
          [awsAccountId, region, JSON.stringify(rows)],
        )
      : { rows: [] };
    const idByName = new Map(written.map((w) => [w.name, w.id]));

    const isNew = new Set(written.filter((w) => w.isInserted).map((w) => w.id));
    const pipelines = new Map<number, TPipelineForDeployments>();
    for (const row of rows) {
      const id = idByName.get(row.name);
      if (id === undefined) continue;
      pipelines.set(id, {
        isNew: isNew.has(id),
        id,
        arn: row.arn,
        name: row.name,
        region,
        serviceId: row.serviceId,
        prodStage: row.prodStage,
        deploymentsBasis: current.get(row.name)?.deploymentsBasis ?? null,
      });
    }

    // ListPipelineExecutions can return an execution twice when a new one shifts its pages: the first (newest) read wins.
    const records = new Map<string, { pipelineId: number; record: TSyncRegionResult["executions"][number]["execution"] }>();
    for (const { pipelineName, execution } of result.executions) {
      const pipelineId = idByName.get(pipelineName);
      if (pipelineId === undefined) continue;
      const key = executionKey(pipelineId, execution.executionId);
      if (!records.has(key)) records.set(key, { pipelineId, record: execution });
    }
    // A pipeline created by this very write has no executions stored yet: no need to look (the whole of a first sync).
    const stored = await readExecutions(
      sql,
      [...records.values()].filter((r) => !isNew.has(r.pipelineId)).map((r) => ({ pipelineId: r.pipelineId, executionId: r.record.executionId })),
    );
    const changed: (TExecutionSnapshot & { pipelineId: number; before: TStoredExecution | undefined })[] = [];
    for (const [key, { pipelineId, record }] of records) {
      const before = stored.get(key);
      const merged = mergeSyncedExecution(before ?? null, record);
      if (isExecutionChanged(before, merged)) changed.push({ ...merged, pipelineId, before });
    }
    const ids = await writeExecutions(sql, changed);
    const executions: TStoredExecution[] = changed.map((e, i) => ({ ...e, id: ids[i]!, rolledBackExecutionId: e.before?.rolledBackExecutionId ?? null }));
    await refreshLatestExecution(sql, [...new Set(executions.map((e) => e.pipelineId))]);

    let removedPipelines = 0;
    if (result.removedPipelines.length > 0) {
      const { rowCount } = await sql.query(
        `UPDATE "Pipeline" SET "deletedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC'
         WHERE "awsAccountId" = $1 AND region = $2 AND name = ANY($3::text[]) AND "deletedAt" IS NULL`,
        [awsAccountId, region, result.removedPipelines],
      );
      removedPipelines = rowCount ?? 0;
    }

    const deployments = await applyExecutionDeployments({ sql, executions, pipelines });
    return {
      pipelines: written.length,
      createdPipelines: written.filter((w) => w.isInserted).length,
      removedPipelines,
      executions: executions.length,
      deployments,
    };
  });
}
