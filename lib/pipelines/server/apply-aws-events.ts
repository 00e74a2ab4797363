import "server-only";
import { applyAlarmEvent } from "@/lib/alarms/server/apply-alarm-event";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { AppError } from "@/lib/errors";
import type { TPipelineRef } from "@/lib/pipelines/server/deployment-rows";
import { log } from "@/lib/log";
import { pipelineArn } from "@/lib/pipelines/collect/sync-pipeline";
import type { TStageDeclaration, TStageState } from "@/lib/pipelines/collect/types";
import { reattributeAfterWrite } from "@/lib/pipelines/server/reattribute-after-write";
import { applyExecutionDeployments, noDeploymentChanges, type TDeploymentChanges } from "@/lib/pipelines/server/apply-execution-deployments";
import {
  ACTION_EXECUTION_DETAIL,
  CODEPIPELINE_EVENT_SOURCE,
  PIPELINE_EXECUTION_DETAIL,
  STAGE_EXECUTION_DETAIL,
  type TCodePipelineEvent,
  type TParsedEvent,
} from "@/lib/pipelines/server/aws-events";
import { executionKey, isExecutionChanged, readExecutions, refreshLatestExecution, writeExecutions } from "@/lib/pipelines/server/execution-store";
import { applyEventToExecution, applyEventToState, newExecution, type TClock } from "@/lib/pipelines/server/merge";
import { inTransaction, type TSql } from "@/lib/db/transaction";

export type TEventResult = "applied" | "duplicate" | "ignored";

export interface TEventOutcome {
  id: string;
  result: TEventResult;
  /** Why an event was ignored. */
  reason?: string;
}

export interface TApplyAwsEventsOptions {
  /** Parsed and valid (see parseAwsEvent); "invalid" ones are refused before this. */
  events: readonly Exclude<TParsedEvent, { kind: "invalid" }>[];
  actor: TActor;
  origin: TAuditOrigin;
  /** When the events are applied: the time stamped on what the portal itself notices (an incident reopened, its severity changed). */
  now: Date;
}

/**
 * A pipeline row locked for the event's transaction: events of one pipeline
 * apply one at a time, so two concurrent deliveries cannot lose an update.
 */
interface TLockedPipeline extends TPipelineRef {
  structure: TStageDeclaration[];
  state: TStageState[];
  stateClock: TClock;
  lastSyncedAt: Date | null;
  deploymentsBasis: string | null;
  deletedAt: Date | null;
}

const PIPELINE_COLUMNS = /* sql */ `id, arn, name, region, "serviceId", "prodStage", structure, state, "stateClock",
  "lastSyncedAt" AT TIME ZONE 'UTC' AS "lastSyncedAt", "deploymentsBasis", "deletedAt"`;

// A sync holding the pipeline rows can take a while: answer 503 (EventBridge retries) rather than outwait its 5 s timeout.
const LOCK_TIMEOUT = "4s";

async function lockPipeline(sql: TSql, awsAccountId: number, event: TCodePipelineEvent): Promise<{ pipeline: TLockedPipeline; isCreated: boolean }> {
  const select = () =>
    sql.query<TLockedPipeline>(`SELECT ${PIPELINE_COLUMNS} FROM "Pipeline" WHERE "awsAccountId" = $1 AND region = $2 AND name = $3 FOR UPDATE`, [
      awsAccountId,
      event.region,
      event.pipeline,
    ]);
  const { rows } = await select();
  if (rows[0]) return { pipeline: rows[0], isCreated: false };
  // First heard of through an event: a minimal row (the next sync fills structure, version and production stage in).
  const arn = event.pipelineArn ?? pipelineArn(event.region, event.accountId, event.pipeline);
  const { rows: inserted } = await sql.query<TLockedPipeline>(
    `INSERT INTO "Pipeline" ("awsAccountId", region, name, arn, "serviceId", "updatedAt")
     VALUES ($1, $2, $3, $4,
             (SELECT "serviceId" FROM "ResourceMapping" WHERE arn = $4
              ORDER BY CASE source WHEN 'AWS_TAG' THEN 0 WHEN 'MANUAL' THEN 1 ELSE 2 END LIMIT 1),
             now() AT TIME ZONE 'UTC')
     ON CONFLICT DO NOTHING
     RETURNING ${PIPELINE_COLUMNS}`,
    [awsAccountId, event.region, event.pipeline, arn],
  );
  if (inserted[0]) return { pipeline: inserted[0], isCreated: true };
  const { rows: raced } = await select();
  if (!raced[0]) throw new AppError("CONFLICT", `Pipeline ${arn} could not be recorded: its ARN is already stored for another pipeline.`);
  return { pipeline: raced[0], isCreated: false };
}

async function applyCodePipelineEvent(
  sql: TSql,
  event: TCodePipelineEvent,
  actor: TActor,
  origin: TAuditOrigin,
  detailType: string,
): Promise<TEventOutcome & { deploymentIds?: number[] }> {
  await sql.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  const receipt = await sql.query(
    `INSERT INTO "EventReceipt" ("eventId", source, "detailType", "receivedAt") VALUES ($1, $2, $3, now() AT TIME ZONE 'UTC')
     ON CONFLICT ("eventId") DO NOTHING`,
    [event.id, CODEPIPELINE_EVENT_SOURCE, detailType],
  );
  if (receipt.rowCount === 0) return { id: event.id, result: "duplicate" };

  const { rows: accounts } = await sql.query<{ id: number }>(`SELECT id FROM "AwsAccount" WHERE "accountId" = $1`, [event.accountId]);
  const account = accounts[0];
  if (!account) {
    const reason = `account ${event.accountId} is not registered in Portside`;
    log.info({ eventId: event.id, accountId: event.accountId, pipeline: event.pipeline }, `ignoring a CodePipeline event: ${reason}`);
    return { id: event.id, result: "ignored", reason };
  }

  const { pipeline, isCreated } = await lockPipeline(sql, account.id, event);
  if (pipeline.deletedAt) {
    await sql.query(`UPDATE "Pipeline" SET "deletedAt" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [pipeline.id]);
  }
  const structure = Array.isArray(pipeline.structure) ? pipeline.structure : [];
  const key = { pipelineId: pipeline.id, executionId: event.executionId };
  const stored = (await readExecutions(sql, [key])).get(executionKey(key.pipelineId, key.executionId));
  const execution = applyEventToExecution(stored ?? newExecution(event), event, structure);

  const stateBefore = { structure, state: Array.isArray(pipeline.state) ? pipeline.state : [], clock: pipeline.stateClock ?? {}, lastSyncedAt: pipeline.lastSyncedAt };
  const stateAfter = applyEventToState(stateBefore, event, execution);
  if (stateAfter !== stateBefore) {
    await sql.query(
      `UPDATE "Pipeline" SET state = $2::jsonb, "stateClock" = $3::jsonb,
         "stateUpdatedAt" = GREATEST("stateUpdatedAt", $4::timestamptz AT TIME ZONE 'UTC'), "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE id = $1`,
      [pipeline.id, JSON.stringify(stateAfter.state), JSON.stringify(stateAfter.clock), event.time.toISOString()],
    );
  }

  let deployments: TDeploymentChanges = noDeploymentChanges();
  if (isExecutionChanged(stored, execution)) {
    const [id] = await writeExecutions(sql, [{ ...execution, pipelineId: pipeline.id }]);
    await refreshLatestExecution(sql, [pipeline.id]);
    deployments = await applyExecutionDeployments({
      sql,
      executions: [{ ...execution, id: id!, pipelineId: pipeline.id, rolledBackExecutionId: stored?.rolledBackExecutionId ?? null }],
      pipelines: new Map([[pipeline.id, pipeline]]),
    });
  }

  // Stage and action churn is AWS telemetry, like what the sync writes; what the audit log keeps is what a
  // token made appear: a pipeline, or a production deployment recorded, changed or removed.
  const deploymentChanges = deployments.created + deployments.updated + deployments.deleted + deployments.rollbackMarks;
  if (isCreated || deploymentChanges > 0) {
    const entry = auditData(
      actor,
      {
        action: "pipeline.event",
        entityType: "Pipeline",
        entityId: pipeline.id,
        after: { eventId: event.id, detailType, executionId: event.executionId, state: event.state, isPipelineCreated: isCreated, deployments },
      },
      origin,
    );
    await sql.query(
      `INSERT INTO "AuditEvent" ("actorType", "actorUserId", "actorTokenId", action, "entityType", "entityId", after, ip, "requestId")
       VALUES ($1::"ActorType", $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [entry.actorType, entry.actorUserId, entry.actorTokenId, entry.action, entry.entityType, entry.entityId, JSON.stringify(entry.after ?? null), entry.ip, entry.requestId],
    );
  }
  return { id: event.id, result: "applied", deploymentIds: deployments.deploymentIds };
}

function isLockTimeout(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code?: string }).code === "55P03";
}

/**
 * Applies EventBridge events, each in its own transaction: deduplicated by
 * event id (a replay is a no-op), merged so that the order they arrive in
 * does not matter (lib/pipelines/server/merge.ts), and followed by the
 * deployments they make. An event of an unregistered account, of another
 * source or of an unknown state is accepted and ignored, with the reason.
 */
export async function applyAwsEvents({ events, actor, origin, now }: TApplyAwsEventsOptions): Promise<TEventOutcome[]> {
  const outcomes: TEventOutcome[] = [];
  for (const parsed of events) {
    if (parsed.kind === "ignored") {
      log.debug({ eventId: parsed.id, source: parsed.source, detailType: parsed.detailType }, `ignoring an AWS event: ${parsed.reason}`);
      outcomes.push({ id: parsed.id, result: "ignored", reason: parsed.reason });
      continue;
    }
    if (parsed.kind === "alarm") {
      try {
        outcomes.push(await inTransaction((sql) => applyAlarmEvent(sql, parsed.event, now)));
      } catch (error) {
        if (isLockTimeout(error)) {
          throw new AppError("UNAVAILABLE", "The alarm is being synced right now; send the event again shortly.", { cause: error, details: { eventId: parsed.event.id } });
        }
        throw error;
      }
      continue;
    }
    const detailType = { pipeline: PIPELINE_EXECUTION_DETAIL, stage: STAGE_EXECUTION_DETAIL, action: ACTION_EXECUTION_DETAIL }[parsed.event.kind];
    try {
      const { deploymentIds = [], ...outcome } = await inTransaction((sql) => applyCodePipelineEvent(sql, parsed.event, actor, origin, detailType));
      outcomes.push(outcome);
      // Committed: an incident the rule now gives to this deployment is attributed again.
      if (deploymentIds.length > 0) await reattributeAfterWrite(deploymentIds, origin);
    } catch (error) {
      if (isLockTimeout(error)) {
        throw new AppError("UNAVAILABLE", "The pipeline is being synced right now; send the event again shortly.", { cause: error, details: { eventId: parsed.event.id } });
      }
      throw error;
    }
  }
  return outcomes;
}
