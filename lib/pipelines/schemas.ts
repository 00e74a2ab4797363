/**
 * What the pipelines API answers (app/api/pipelines, app/api/events/aws), for
 * the OpenAPI document. Safe on client and server. The filters and the
 * approval body are in board.ts; the EventBridge envelope in server/aws-events.ts.
 */
import { z } from "zod";
import { BOARD_STATUSES } from "@/lib/pipelines/board";
import { ZIsoTime, ZSlugNameSchema } from "@/lib/schemas";

/** Prisma's ExecutionStatus (lib/pipelines/collect/types.ts TExecutionStatus). */
const ZExecutionStatus = z.enum(["IN_PROGRESS", "STOPPING", "STOPPED", "SUCCEEDED", "SUPERSEDED", "FAILED", "CANCELLED"]);
/** CodePipeline's own stage and action statuses and times, kept as AWS writes them in the JSON columns. */
const ZAwsStatus = z.string().describe("CodePipeline's own status (InProgress, Succeeded, Failed, …).");
const ZAwsTime = z.string().describe("ISO 8601.");

// ───────────────────────── GET /api/pipelines ─────────────────────────

export const ZPipelineBoardResponseSchema = z.object({
  pipelines: z.array(
    z.object({
      id: z.int(),
      name: z.string(),
      region: z.string(),
      account: z.object({ accountId: z.string(), name: z.string() }),
      service: ZSlugNameSchema.nullable(),
      team: ZSlugNameSchema.nullable(),
      status: z.enum(BOARD_STATUSES),
      stages: z.array(z.object({ name: z.string(), status: ZAwsStatus.nullable(), executionId: z.string().nullable(), isProduction: z.boolean() })),
      pendingApprovals: z.array(z.object({ stage: z.string(), action: z.string() })).describe("Manual approval actions waiting for an answer."),
      latest: z
        .object({
          executionId: z.string(),
          status: z.string(),
          executionType: z.string(),
          trigger: z.string().nullable(),
          commit: z.object({ revisionId: z.string().nullable(), revisionUrl: z.string().nullable(), summary: z.string().nullable() }).nullable(),
          startedAt: ZIsoTime,
          lastUpdatedAt: ZIsoTime,
          durationMs: z.number(),
          failureReason: z.string().nullable(),
          failedAction: z.string().nullable(),
        })
        .nullable(),
      consoleUrl: z.string(),
      stateUpdatedAt: ZIsoTime.nullable(),
    }),
  ),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
  counts: z.object({ failed: z.int(), in_progress: z.int(), succeeded: z.int(), other: z.int() }).describe("Totals by status for the other filters."),
  dataAsOf: ZIsoTime.nullable().describe("The newest time any shown pipeline's state was read from AWS (sync or event)."),
  generatedAt: ZIsoTime,
});

// ───────────────────────── GET /api/pipelines/{id} ─────────────────────────

const ZStageDeclaration = z.object({ name: z.string(), actions: z.array(z.object({ name: z.string(), category: z.string(), provider: z.string(), runOrder: z.number() })) });

const ZStageState = z.object({
  name: z.string(),
  latestExecution: z.object({ executionId: z.string(), status: ZAwsStatus, type: z.string() }).nullable(),
  inboundExecutionIds: z.array(z.string()).describe("Executions waiting to enter the stage."),
  actions: z.array(
    z.object({
      name: z.string(),
      status: ZAwsStatus.nullable(),
      lastStatusChange: ZAwsTime.nullable(),
      summary: z.string().nullable(),
      errorMessage: z.string().nullable(),
      externalUrl: z.string().nullable(),
      revisionId: z.string().nullable(),
    }),
  ),
});

const ZSourceRevision = z.object({ actionName: z.string(), revisionId: z.string().nullable(), revisionSummary: z.string().nullable(), revisionUrl: z.string().nullable() });

const ZExecutionStage = z.object({
  name: z.string(),
  status: ZAwsStatus,
  startedAt: ZAwsTime.nullable(),
  lastUpdatedAt: ZAwsTime.nullable(),
  actions: z.array(
    z.object({
      name: z.string(),
      status: ZAwsStatus,
      startedAt: ZAwsTime.nullable(),
      lastUpdatedAt: ZAwsTime.nullable(),
      summary: z.string().nullable(),
      externalUrl: z.string().nullable(),
      errorMessage: z.string().nullable(),
    }),
  ),
});

/** lib/pipelines/server/get-pipeline.ts. */
export const ZPipelineDetailResponseSchema = z.object({
  id: z.int(),
  name: z.string(),
  arn: z.string(),
  region: z.string(),
  version: z.int(),
  prodStage: z.string().nullable().describe("The stage whose success makes a production deployment."),
  structure: z.array(ZStageDeclaration),
  state: z.array(ZStageState),
  latestStatus: ZExecutionStatus.nullable(),
  stateUpdatedAt: ZIsoTime.nullable(),
  lastSyncedAt: ZIsoTime.nullable(),
  deletedAt: ZIsoTime.nullable().describe("Set when the pipeline no longer exists in AWS."),
  awsAccount: z.object({ accountId: z.string(), name: z.string() }),
  service: z.object({ slug: z.string(), name: z.string(), team: z.object({ id: z.int(), slug: z.string(), name: z.string() }) }).nullable(),
  _count: z.object({ executions: z.int() }).describe("Same as totalExecutions."),
  consoleUrl: z.string(),
  executions: z.array(
    z.object({
      executionId: z.string(),
      status: ZExecutionStatus,
      executionType: z.string(),
      rollbackOf: z.string().nullable(),
      trigger: z.object({ triggerType: z.string().nullable().optional(), triggerDetail: z.string().nullable().optional() }).nullable(),
      sourceRevisions: z.array(ZSourceRevision),
      stages: z.array(ZExecutionStage),
      failureReason: z.string().nullable(),
      failedAction: z.string().nullable(),
      startedAt: ZIsoTime,
      lastUpdatedAt: ZIsoTime,
      deployment: z.object({ id: z.int(), status: z.enum(["IN_PROGRESS", "SUCCEEDED", "FAILED", "ROLLED_BACK"]) }).nullable(),
      durationMs: z.number(),
      consoleUrl: z.string(),
    }),
  ),
  totalExecutions: z.int(),
  page: z.int(),
  pageSize: z.int(),
  recent: z.object({
    successRate: z.number().nullable().describe("Succeeded / (succeeded + failed) over the last 50 executions."),
    sample: z.int(),
    durations: z.array(z.object({ executionId: z.string(), startedAt: ZIsoTime, minutes: z.number(), status: ZExecutionStatus })),
  }),
});

// ───────────────────────── POST /api/pipelines/{id}/approvals ─────────────────────────

export const ZApprovalAnsweredResponseSchema = z.object({
  pipelineId: z.int(),
  stage: z.string(),
  action: z.string(),
  decision: z.enum(["Approved", "Rejected"]),
  executionId: z.string().nullable(),
});

// ───────────────────────── POST /api/events/aws ─────────────────────────

export const ZAwsEventsResponseSchema = z.object({
  applied: z.int(),
  duplicates: z.int(),
  ignored: z.int(),
  events: z.array(
    z.object({
      id: z.string(),
      result: z.enum(["applied", "duplicate", "ignored"]),
      reason: z.string().optional().describe("Why an event was ignored."),
    }),
  ),
});
