/**
 * EventBridge events as POST /api/events/aws receives them (an API
 * destination sends the event itself as the body), CloudWatch alarm state
 * changes (read in lib/alarms/alarm-events.ts), and the CodePipeline
 * detail types the portal applies: "CodePipeline Pipeline Execution State
 * Change", "… Stage Execution State Change" and "… Action Execution State
 * Change" (https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html).
 *
 * The envelope is checked for every source, so that a malformed body is a 400
 * whatever it claims to be; the detail only for the sources applied here.
 * Fields AWS may add later pass through; a state this code does not know yet
 * is ignored (with a reason) rather than refused, so that EventBridge does
 * not retry it into the dead-letter queue.
 */
import { z } from "zod";
import { CLOUDWATCH_EVENT_SOURCE, parseAlarmEvent, type TAlarmEvent } from "@/lib/alarms/alarm-events";
import { checkStorableStrings, ZTimestamp } from "@/lib/schemas";

export const CODEPIPELINE_EVENT_SOURCE = "aws.codepipeline";
export const PIPELINE_EXECUTION_DETAIL = "CodePipeline Pipeline Execution State Change";
export const STAGE_EXECUTION_DETAIL = "CodePipeline Stage Execution State Change";
export const ACTION_EXECUTION_DETAIL = "CodePipeline Action Execution State Change";
/** EventBridge sends one event per request; a few together are accepted for replays and tests. */
export const MAX_EVENTS_PER_REQUEST = 100;

export const ZAwsEventSchema = z
  .object({
    version: z.string().optional(),
    id: z.string().trim().min(1).max(200),
    "detail-type": z.string().min(1).max(300),
    source: z.string().min(1).max(200),
    // A string of 12 digits in real events; some documentation examples show a number.
    account: z.union([z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"), z.number().int().nonnegative().transform((n) => String(n).padStart(12, "0"))]),
    // From 1970 on: year 0000 passed the format and then failed the statement in PostgreSQL.
    time: ZTimestamp,
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region, e.g. eu-west-1"),
    // ARNs: at most 2,048 characters each.
    resources: z.array(z.string().max(2048)).max(100).default([]),
    detail: z.record(z.string(), z.unknown()),
  })
  .passthrough()
  // Fields AWS adds pass through, and many are stored: none may hold text PostgreSQL cannot store.
  .superRefine(checkStorableStrings);

export type TAwsEvent = z.infer<typeof ZAwsEventSchema>;

/** A batch, when the body is an array (the body is otherwise one event). */
export const ZAwsEventBatchSchema = z.array(ZAwsEventSchema).min(1, "must hold at least one event").max(MAX_EVENTS_PER_REQUEST, `holds at most ${MAX_EVENTS_PER_REQUEST} events`);

// Pipeline structure version: a number in current events ("version": 3.0), a string in older ones ("1").
const ZStructureVersion = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).optional();

const base = {
  pipeline: z.string().min(1).max(100),
  "execution-id": z.string().min(1).max(200),
  "start-time": ZTimestamp.optional(),
  version: ZStructureVersion,
  "pipeline-execution-attempt": z.number().optional(),
  // Unknown states are ignored, not refused, but a state is a short word: a long one is no event.
  state: z.string().min(1).max(100),
};

export const ZPipelineExecutionDetailSchema = z
  .object({
    ...base,
    // {trigger-type, trigger-detail}; pipelines triggered by Git tags or branches send commit fields instead.
    "execution-trigger": z.object({ "trigger-type": z.string().optional(), "trigger-detail": z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export const ZStageExecutionDetailSchema = z.object({ ...base, stage: z.string().min(1).max(100) }).passthrough();

export const ZActionExecutionDetailSchema = z
  .object({
    ...base,
    stage: z.string().min(1).max(100),
    action: z.string().min(1).max(100),
    type: z.object({ owner: z.string(), category: z.string(), provider: z.string() }).partial().passthrough().optional(),
    "execution-result": z
      .object({
        "external-execution-url": z.string().optional(),
        "external-execution-summary": z.string().optional(),
        "external-execution-id": z.string().optional(),
        "error-code": z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const PIPELINE_STATES = ["STARTED", "RESUMED", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "CANCELED", "SUPERSEDED"] as const;
export const STAGE_STATES = ["STARTED", "RESUMED", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "CANCELED"] as const;
export const ACTION_STATES = ["STARTED", "SUCCEEDED", "FAILED", "ABANDONED", "CANCELED"] as const;
export type TPipelineEventState = (typeof PIPELINE_STATES)[number];
export type TStageEventState = (typeof STAGE_STATES)[number];
export type TActionEventState = (typeof ACTION_STATES)[number];

interface TEventBase {
  /** The EventBridge event id (dedupe key and last tie-break). */
  id: string;
  time: Date;
  accountId: string;
  region: string;
  pipeline: string;
  /** From `resources`; null when the event names none. */
  pipelineArn: string | null;
  executionId: string;
  /** detail["start-time"]: when the pipeline execution started (newer events carry it). */
  startTime: Date | null;
}

export type TCodePipelineEvent =
  | (TEventBase & { kind: "pipeline"; state: TPipelineEventState; trigger: { triggerType: string; triggerDetail: string | null } | null })
  | (TEventBase & { kind: "stage"; stage: string; state: TStageEventState })
  | (TEventBase & {
      kind: "action";
      stage: string;
      action: string;
      state: TActionEventState;
      category: string | null;
      result: { url: string | null; summary: string | null; externalId: string | null; errorCode: string | null } | null;
    });

export type TParsedEvent =
  | { kind: "codepipeline"; event: TCodePipelineEvent }
  /** "CloudWatch Alarm State Change" (lib/alarms/alarm-events.ts). */
  | { kind: "alarm"; event: TAlarmEvent }
  /** Accepted and not applied: another source, or a state this code does not know. */
  | { kind: "ignored"; id: string; source: string; detailType: string; reason: string }
  | { kind: "invalid"; id: string; issues: z.core.$ZodIssue[] };

function oneOf<T extends string>(values: readonly T[], value: string): T | null {
  return (values as readonly string[]).includes(value) ? (value as T) : null;
}

/** Reads one envelope: a CodePipeline event, something to ignore, or a detail that does not match its documented shape. */
export function parseAwsEvent(envelope: TAwsEvent): TParsedEvent {
  const detailType = envelope["detail-type"];
  const ignored = (reason: string): TParsedEvent => ({ kind: "ignored", id: envelope.id, source: envelope.source, detailType, reason });
  if (envelope.source === CLOUDWATCH_EVENT_SOURCE) {
    const alarm = parseAlarmEvent(envelope);
    if (alarm.kind === "ignored") return ignored(alarm.reason);
    return alarm.kind === "invalid" ? { kind: "invalid", id: envelope.id, issues: alarm.issues } : alarm;
  }
  if (envelope.source !== CODEPIPELINE_EVENT_SOURCE) return ignored(`source ${envelope.source} is not applied here`);
  const schema =
    detailType === PIPELINE_EXECUTION_DETAIL
      ? ZPipelineExecutionDetailSchema
      : detailType === STAGE_EXECUTION_DETAIL
        ? ZStageExecutionDetailSchema
        : detailType === ACTION_EXECUTION_DETAIL
          ? ZActionExecutionDetailSchema
          : null;
  if (!schema) return ignored(`detail-type "${detailType}" is not applied here`);
  const parsed = schema.safeParse(envelope.detail);
  if (!parsed.success) return { kind: "invalid", id: envelope.id, issues: parsed.error.issues };

  const detail = parsed.data as z.infer<typeof ZActionExecutionDetailSchema> & z.infer<typeof ZPipelineExecutionDetailSchema>;
  const arn = envelope.resources.find((r) => r.startsWith("arn:") && r.includes(":codepipeline:")) ?? null;
  const common: TEventBase = {
    id: envelope.id,
    time: new Date(envelope.time),
    accountId: envelope.account,
    region: envelope.region,
    pipeline: detail.pipeline,
    pipelineArn: arn,
    executionId: detail["execution-id"],
    startTime: detail["start-time"] ? new Date(detail["start-time"]) : null,
  };
  const unknownState = () => ignored(`state ${detail.state} of "${detailType}" is not known to this version of Portside`);

  if (detailType === PIPELINE_EXECUTION_DETAIL) {
    const state = oneOf(PIPELINE_STATES, detail.state);
    if (!state) return unknownState();
    const triggerType = detail["execution-trigger"]?.["trigger-type"];
    const trigger = triggerType ? { triggerType, triggerDetail: detail["execution-trigger"]?.["trigger-detail"] ?? null } : null;
    return { kind: "codepipeline", event: { ...common, kind: "pipeline", state, trigger } };
  }
  if (detailType === STAGE_EXECUTION_DETAIL) {
    const state = oneOf(STAGE_STATES, detail.state);
    if (!state) return unknownState();
    return { kind: "codepipeline", event: { ...common, kind: "stage", stage: detail.stage, state } };
  }
  const state = oneOf(ACTION_STATES, detail.state);
  if (!state) return unknownState();
  const result = detail["execution-result"];
  return {
    kind: "codepipeline",
    event: {
      ...common,
      kind: "action",
      stage: detail.stage,
      action: detail.action,
      state,
      category: detail.type?.category ?? null,
      result: result
        ? {
            url: result["external-execution-url"] ?? null,
            summary: result["external-execution-summary"] ?? null,
            externalId: result["external-execution-id"] ?? null,
            errorCode: result["error-code"] ?? null,
          }
        : null,
    },
  };
}
