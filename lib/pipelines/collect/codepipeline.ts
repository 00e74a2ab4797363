/**
 * The CodePipeline calls the portal makes (the collector's reads, and the
 * answer to a manual approval), each reshaped into our own types (./types).
 * SDK types stay in this file.
 *
 * API limits that shape the calls: ListPipelines returns up to 1,000 per page;
 * ListPipelineExecutions and ListActionExecutions up to 100 per page, over the
 * last 12 months only; ListTagsForResource returns all tags in one call.
 */
import {
  type CodePipelineClient,
  GetPipelineCommand,
  GetPipelineStateCommand,
  paginateListActionExecutions,
  paginateListPipelineExecutions,
  paginateListPipelines,
  paginateListTagsForResource,
  type ActionExecutionDetail,
  type GetPipelineOutput,
  type GetPipelineStateOutput,
  type PipelineExecutionSummary,
  type PipelineSummary,
} from "@aws-sdk/client-codepipeline";
import { awsOperation } from "@/lib/aws/clients";
import { log } from "@/lib/log";
import {
  TERMINAL_STATUSES,
  type TActionStatus,
  type TExecutionRecord,
  type TExecutionStage,
  type TExecutionStatus,
  type TExecutionType,
  type TPipelineDefinition,
  type TPipelineSummary,
  type TStageDeclaration,
  type TStageState,
  type TStageStatus,
} from "@/lib/pipelines/collect/types";

export type { CodePipelineClient };

export const SERVICE_TAG = "portside:service";
export const PROD_STAGE_TAG = "portside:prod-stage";
const LIST_PIPELINES_PAGE = 1000;
const EXECUTIONS_PAGE = 100;

const EXECUTION_STATUS: Record<string, TExecutionStatus> = {
  InProgress: "IN_PROGRESS",
  Stopping: "STOPPING",
  Stopped: "STOPPED",
  Succeeded: "SUCCEEDED",
  Superseded: "SUPERSEDED",
  Failed: "FAILED",
  Cancelled: "CANCELLED",
};
const STAGE_STATUSES = new Set<string>(["Cancelled", "Failed", "InProgress", "Skipped", "Stopped", "Stopping", "Succeeded"]);
const ACTION_STATUSES = new Set<string>(["Abandoned", "Failed", "InProgress", "Succeeded"]);

const iso = (date: Date | undefined): string | null => date?.toISOString() ?? null;
const executionType = (type: string | undefined): TExecutionType => (type === "ROLLBACK" ? "ROLLBACK" : "STANDARD");
const stageStatus = (status: string | undefined): TStageStatus | null => (status && STAGE_STATUSES.has(status) ? (status as TStageStatus) : null);
const actionStatus = (status: string | undefined): TActionStatus | null =>
  status && ACTION_STATUSES.has(status) ? (status as TActionStatus) : null;

export function toPipelineSummary(summary: PipelineSummary): TPipelineSummary | null {
  if (!summary.name) return null;
  return {
    name: summary.name,
    version: summary.version ?? 0,
    pipelineType: summary.pipelineType ?? null,
    executionMode: summary.executionMode ?? null,
    created: summary.created ?? null,
    updated: summary.updated ?? null,
  };
}

/** Every pipeline in the client's account and region (ListPipelines, all pages). */
export async function listAllPipelines(client: CodePipelineClient): Promise<TPipelineSummary[]> {
  const pipelines: TPipelineSummary[] = [];
  await awsOperation("ListPipelines", async () => {
    for await (const page of paginateListPipelines({ client, pageSize: LIST_PIPELINES_PAGE }, {})) {
      for (const summary of page.pipelines ?? []) {
        const pipeline = toPipelineSummary(summary);
        if (pipeline) pipelines.push(pipeline);
      }
    }
  });
  return pipelines;
}

export function toDefinition(output: GetPipelineOutput, arn: string, tags: Record<string, string>): TPipelineDefinition {
  const structure: TStageDeclaration[] = (output.pipeline?.stages ?? []).map((stage) => ({
    name: stage.name ?? "",
    actions: (stage.actions ?? []).map((action) => ({
      name: action.name ?? "",
      category: action.actionTypeId?.category ?? "",
      provider: action.actionTypeId?.provider ?? "",
      runOrder: action.runOrder ?? 1,
    })),
  }));
  return {
    arn: output.metadata?.pipelineArn ?? arn,
    version: output.pipeline?.version ?? 0,
    structure,
    executionMode: output.pipeline?.executionMode ?? null,
    pipelineType: output.pipeline?.pipelineType ?? null,
    tags,
    serviceTag: tags[SERVICE_TAG]?.trim() || null,
    prodStageTag: tags[PROD_STAGE_TAG]?.trim() || null,
  };
}

/** GetPipeline, then ListTagsForResource on the ARN it reports. */
export async function getPipelineDefinition(
  client: CodePipelineClient,
  { name, fallbackArn }: { name: string; fallbackArn: string },
): Promise<TPipelineDefinition> {
  const output = await awsOperation("GetPipeline", () => client.send(new GetPipelineCommand({ name })));
  const arn = output.metadata?.pipelineArn ?? fallbackArn;
  return toDefinition(output, arn, await getPipelineTags(client, arn));
}

export function toStageStates(output: GetPipelineStateOutput): TStageState[] {
  return (output.stageStates ?? []).map((stage) => {
    const latest = stage.latestExecution;
    const latestStatus = stageStatus(latest?.status);
    const inbound = [stage.inboundExecution, ...(stage.inboundExecutions ?? [])]
      .map((e) => e?.pipelineExecutionId)
      .filter((id): id is string => Boolean(id));
    return {
      name: stage.stageName ?? "",
      latestExecution:
        latest?.pipelineExecutionId && latestStatus
          ? { executionId: latest.pipelineExecutionId, status: latestStatus, type: executionType(latest.type) }
          : null,
      inboundExecutionIds: [...new Set(inbound)],
      actions: (stage.actionStates ?? []).map((action) => ({
        name: action.actionName ?? "",
        status: actionStatus(action.latestExecution?.status),
        lastStatusChange: iso(action.latestExecution?.lastStatusChange),
        summary: action.latestExecution?.summary ?? null,
        errorMessage: action.latestExecution?.errorDetails?.message ?? null,
        externalUrl: action.latestExecution?.externalExecutionUrl ?? null,
        revisionId: action.currentRevision?.revisionId ?? null,
      })),
    };
  });
}

/** A pipeline's tags (ListTagsForResource, all pages). */
export async function getPipelineTags(client: CodePipelineClient, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  await awsOperation("ListTagsForResource", async () => {
    for await (const page of paginateListTagsForResource({ client }, { resourceArn: arn })) {
      for (const tag of page.tags ?? []) if (tag.key) tags[tag.key] = tag.value ?? "";
    }
  });
  return tags;
}

export async function getPipelineState(client: CodePipelineClient, name: string): Promise<TStageState[]> {
  return toStageStates(await awsOperation("GetPipelineState", () => client.send(new GetPipelineStateCommand({ name }))));
}

/** Null for a summary we cannot store (no id or start time, or a status this code does not know yet). */
export function toExecutionRecord(summary: PipelineExecutionSummary): TExecutionRecord | null {
  const status = summary.status ? EXECUTION_STATUS[summary.status] : undefined;
  if (!summary.pipelineExecutionId || !summary.startTime || !status) return null;
  return {
    executionId: summary.pipelineExecutionId,
    status,
    executionType: executionType(summary.executionType),
    rollbackTargetExecutionId: summary.rollbackMetadata?.rollbackTargetPipelineExecutionId ?? null,
    trigger: summary.trigger ? { triggerType: summary.trigger.triggerType ?? null, triggerDetail: summary.trigger.triggerDetail ?? null } : null,
    stopReason: summary.stopTrigger?.reason ?? null,
    sourceRevisions: (summary.sourceRevisions ?? []).map((r) => ({
      actionName: r.actionName ?? "",
      revisionId: r.revisionId ?? null,
      revisionSummary: r.revisionSummary ?? null,
      revisionUrl: r.revisionUrl ?? null,
    })),
    stages: null,
    failureReason: status === "FAILED" ? (summary.statusSummary ?? null) : null,
    failedAction: null,
    startedAt: summary.startTime,
    lastUpdatedAt: summary.lastUpdateTime ?? summary.startTime,
  };
}

export interface TListExecutionsOptions {
  pipelineName: string;
  /** Stored executions and their status (see TStoredPipeline.executions). */
  known: ReadonlyMap<string, TExecutionStatus>;
  /** At most this many executions are returned. */
  max: number;
}

/**
 * Executions that are new or changed status since the last sync, newest
 * first, and the newest execution of all (the pipeline's latest status).
 * ListPipelineExecutions pages newest first; paging stops at the first stored
 * execution once every stored execution that was still running has been seen
 * again (in PARALLEL mode an older one can still be running behind a newer
 * one that finished).
 */
export async function listNewExecutions(
  client: CodePipelineClient,
  { pipelineName, known, max }: TListExecutionsOptions,
): Promise<{ executions: TExecutionRecord[]; newest: TExecutionRecord | null }> {
  const running = new Set([...known].filter(([, status]) => !TERMINAL_STATUSES.has(status)).map(([id]) => id));
  const found: TExecutionRecord[] = [];
  let newest: TExecutionRecord | null = null;
  const pageSize = Math.min(EXECUTIONS_PAGE, max);
  await awsOperation("ListPipelineExecutions", async () => {
    pages: for await (const page of paginateListPipelineExecutions({ client, pageSize }, { pipelineName })) {
      for (const summary of page.pipelineExecutionSummaries ?? []) {
        const record = toExecutionRecord(summary);
        if (!record) {
          log.warn({ pipelineName, executionId: summary.pipelineExecutionId, status: summary.status }, "skipping a pipeline execution that cannot be stored");
          continue;
        }
        newest ??= record;
        const storedStatus = known.get(record.executionId);
        if (storedStatus !== record.status) found.push(record);
        if (storedStatus !== undefined) {
          running.delete(record.executionId);
          if (running.size === 0) break pages;
        }
        if (found.length >= max) break pages;
      }
    }
  });
  return { executions: found, newest };
}

function actionFailure(detail: ActionExecutionDetail): string | null {
  const result = detail.output?.executionResult;
  return result?.errorDetails?.message ?? result?.externalExecutionSummary ?? null;
}

function latestFirst(a: ActionExecutionDetail, b: ActionExecutionDetail): number {
  return (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0);
}

/**
 * Per-stage results of one execution from its action executions. A stage
 * retry runs actions again under the same execution id: the latest run of
 * each action counts.
 */
export function stagesFromActionExecutions(details: readonly ActionExecutionDetail[]): {
  stages: TExecutionStage[];
  failedAction: string | null;
  failureReason: string | null;
} {
  const latest = new Map<string, ActionExecutionDetail>();
  for (const detail of [...details].sort(latestFirst)) {
    const key = `${detail.stageName}\u0000${detail.actionName}`;
    if (!latest.has(key)) latest.set(key, detail);
  }
  const byStage = new Map<string, ActionExecutionDetail[]>();
  // Oldest first, so stages come out in the order they ran.
  for (const detail of [...latest.values()].reverse()) {
    const stage = detail.stageName ?? "";
    byStage.set(stage, [...(byStage.get(stage) ?? []), detail]);
  }
  const stages: TExecutionStage[] = [...byStage].map(([name, actions]) => {
    const statuses = new Set(actions.map((a) => a.status));
    const status: TStageStatus = statuses.has("Failed")
      ? "Failed"
      : statuses.has("InProgress")
        ? "InProgress"
        : statuses.has("Abandoned")
          ? "Stopped"
          : "Succeeded";
    const starts = actions.map((a) => a.startTime?.getTime()).filter((t): t is number => t !== undefined);
    const updates = actions.map((a) => (a.lastUpdateTime ?? a.startTime)?.getTime()).filter((t): t is number => t !== undefined);
    return {
      name,
      status,
      startedAt: starts.length ? new Date(Math.min(...starts)).toISOString() : null,
      lastUpdatedAt: updates.length ? new Date(Math.max(...updates)).toISOString() : null,
      actions: actions.map((a) => ({
        name: a.actionName ?? "",
        status: actionStatus(a.status) ?? "InProgress",
        startedAt: iso(a.startTime),
        lastUpdatedAt: iso(a.lastUpdateTime),
        summary: a.output?.executionResult?.externalExecutionSummary ?? null,
        externalUrl: a.output?.executionResult?.externalExecutionUrl ?? null,
        errorMessage: a.status === "Failed" ? actionFailure(a) : null,
      })),
    };
  });
  const failed = [...latest.values()].find((d) => d.status === "Failed");
  return {
    stages,
    failedAction: failed ? `${failed.stageName}.${failed.actionName}` : null,
    failureReason: failed ? actionFailure(failed) : null,
  };
}

/** What each stage did in one execution (ListActionExecutions filtered by its id, all pages). */
export async function getExecutionStages(
  client: CodePipelineClient,
  { pipelineName, executionId }: { pipelineName: string; executionId: string },
): Promise<ReturnType<typeof stagesFromActionExecutions>> {
  const details: ActionExecutionDetail[] = [];
  const pages = paginateListActionExecutions({ client, pageSize: EXECUTIONS_PAGE }, { pipelineName, filter: { pipelineExecutionId: executionId } });
  await awsOperation("ListActionExecutions", async () => {
    for await (const page of pages) details.push(...(page.actionExecutionDetails ?? []));
  });
  return stagesFromActionExecutions(details);
}

