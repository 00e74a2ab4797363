/**
 * One pipeline's sync: what changed since the stored state, at the fewest
 * calls.
 *
 * - GetPipelineState: always (1 call). If every stage shows the same latest
 *   execution, status and waiting executions as at the last sync, and all of
 *   them are stored, nothing started or changed status: ListPipelineExecutions
 *   is skipped. A new execution always shows up as the latest one in its first
 *   stage, and a status change changes some stage's latest status.
 * - GetPipeline + ListTagsForResource: only when ListPipelines reports another
 *   version, or other created/updated times, than stored (a pipeline deleted
 *   and recreated under the same name, as Terraform does, starts again at
 *   version 1), for a new pipeline, on the pipeline's turn in the rotation
 *   (`isRefreshDue`: tags do not bump the version or the update time, so a
 *   changed portside:service or portside:prod-stage tag is seen within a day),
 *   or when forced.
 * - ListPipelineExecutions: newest first, until the stored ones (see
 *   listNewExecutions).
 * - ListActionExecutions: once per new or changed execution whose deployment
 *   decision needs its stages (failed, or a rollback), see
 *   lib/pipelines/deployments-from-executions.ts.
 */
import type { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import {
  getExecutionStages,
  getPipelineDefinition,
  getPipelineState,
  listNewExecutions,
} from "@/lib/pipelines/collect/codepipeline";
import {
  TERMINAL_STATUSES,
  type TExecutionRecord,
  type TExecutionStatus,
  type TPipelineDefinition,
  type TProductionExecution,
  type TStageState,
  type TStoredPipeline,
} from "@/lib/pipelines/collect/types";
import {
  decideDeployment,
  findRolledBackExecution,
  reachedProductionAt,
  type TDeploymentDecision,
} from "@/lib/pipelines/deployments-from-executions";

export const DEFAULT_FIRST_SYNC_EXECUTIONS = 100;
export const DEFAULT_INCREMENTAL_EXECUTIONS = 1000;

export type TProdStageSource = "annotation" | "tag" | "stored" | "last-stage";

export interface TSyncPipelineOptions {
  client: CodePipelineClient;
  accountId: string;
  region: string;
  name: string;
  /** The version ListPipelines reported. */
  version: number;
  /** The created and updated times ListPipelines reported (null: not given). */
  created?: Date | null;
  updated?: Date | null;
  /** This pipeline's turn to have its definition and tags read again (see isRefreshRound). */
  isRefreshDue?: boolean;
  stored: TStoredPipeline | undefined;
  /** Fetch GetPipeline and tags even when the version is unchanged (e.g. a daily full refresh). */
  isDefinitionRefreshForced?: boolean;
  /** Cap on executions read on a first sync (no stored executions). */
  maxFirstSyncExecutions?: number;
  /** Safety cap on executions read on later syncs. */
  maxIncrementalExecutions?: number;
}

export interface TExecutionSync {
  execution: TExecutionRecord;
  deployment: TDeploymentDecision;
  /**
   * For a rollback decision: the execution whose deployment it undid, when
   * found among this sync's executions and the stored recent production
   * deployments; null otherwise (look further back in storage).
   */
  rolledBackExecutionId: string | null;
}

export interface TPipelineSync {
  name: string;
  arn: string;
  version: number;
  /** Null when not fetched: the stored structure and tags still hold. */
  definition: TPipelineDefinition | null;
  /** ListPipelines' created and updated times, stored with a fetched definition. */
  created: Date | null;
  updated: Date | null;
  prodStage: string | null;
  prodStageSource: TProdStageSource | null;
  state: TStageState[];
  /** True when GetPipelineState showed nothing new, so no execution was listed. */
  isExecutionListSkipped: boolean;
  /** The newest execution listed (the pipeline's latest status); null when skipped or it never ran. */
  latestExecution: { executionId: string; status: TExecutionStatus; startedAt: Date } | null;
  /** New or changed executions, newest first. */
  executions: TExecutionSync[];
}

export function pipelineArn(region: string, accountId: string, name: string): string {
  const partition = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:codepipeline:${region}:${accountId}:${name}`;
}

/**
 * The production stage: the catalog annotation, else the pipeline's
 * portside:prod-stage tag (known when the definition was fetched, otherwise
 * as stored), else the last stage. A name that is not a stage is ignored.
 * The annotation comes first because it is available on every sync, so the
 * answer does not flip between full and incremental syncs.
 */
export function resolveProdStage({
  stageNames,
  annotation,
  tag,
  stored,
}: {
  stageNames: readonly string[];
  annotation: string | null | undefined;
  tag: string | null | undefined;
  stored: string | null | undefined;
}): { prodStage: string | null; source: TProdStageSource | null } {
  const candidates: [string | null | undefined, TProdStageSource][] = [
    [annotation, "annotation"],
    [tag, "tag"],
    [stored, "stored"],
  ];
  for (const [name, source] of candidates) {
    if (name && stageNames.includes(name)) return { prodStage: name, source };
  }
  const last = stageNames.at(-1);
  return last === undefined ? { prodStage: null, source: null } : { prodStage: last, source: "last-stage" };
}

function fingerprint(state: readonly TStageState[]): string {
  return JSON.stringify(
    state.map((s) => [s.name, s.latestExecution?.executionId, s.latestExecution?.status, s.latestExecution?.type, [...s.inboundExecutionIds].sort()]),
  );
}

/** True when GetPipelineState shows nothing that the stored executions do not already say. */
export function isStateUnchanged(current: readonly TStageState[], stored: TStoredPipeline | undefined): boolean {
  if (!stored?.state || fingerprint(current) !== fingerprint(stored.state)) return false;
  return current.every(
    (s) =>
      (!s.latestExecution || stored.executions.has(s.latestExecution.executionId)) &&
      s.inboundExecutionIds.every((id) => stored.executions.has(id)),
  );
}

function needsStages(execution: TExecutionRecord): boolean {
  return TERMINAL_STATUSES.has(execution.status) && (execution.status === "FAILED" || execution.executionType === "ROLLBACK");
}

/** Whether ListPipelines' times say the pipeline is not the one stored: recreated, or changed without a new version. */
export function isListingMoved(stored: TStoredPipeline, { created, updated }: { created: Date | null; updated: Date | null }): boolean {
  const moved = (reported: Date | null, known: Date | null | undefined) => reported !== null && reported.getTime() !== (known?.getTime() ?? null);
  return moved(created, stored.awsCreatedAt) || moved(updated, stored.awsUpdatedAt);
}

export async function syncPipeline(options: TSyncPipelineOptions): Promise<TPipelineSync> {
  const { client, accountId, region, name, version, stored } = options;
  const listing = { created: options.created ?? null, updated: options.updated ?? null };
  const isDefinitionNeeded =
    !stored || stored.version !== version || isListingMoved(stored, listing) || options.isRefreshDue === true || options.isDefinitionRefreshForced === true;
  const known = stored?.executions ?? new Map<string, TExecutionStatus>();

  const state = await getPipelineState(client, name);
  const isExecutionListSkipped = isStateUnchanged(state, stored);
  const [definition, listed] = await Promise.all([
    isDefinitionNeeded ? getPipelineDefinition(client, { name, fallbackArn: pipelineArn(region, accountId, name) }) : null,
    isExecutionListSkipped
      ? { executions: [], newest: null }
      : listNewExecutions(client, {
          pipelineName: name,
          known,
          max: known.size === 0 ? (options.maxFirstSyncExecutions ?? DEFAULT_FIRST_SYNC_EXECUTIONS) : (options.maxIncrementalExecutions ?? DEFAULT_INCREMENTAL_EXECUTIONS),
        }),
  ]);

  const stageNames = (definition?.structure ?? stored?.structure ?? []).map((s) => s.name);
  const { prodStage, source } = resolveProdStage({
    stageNames,
    // The catalog's annotation is applied where the pipeline is stored (lib/pipelines/server/resolve-pipeline-mappings.ts).
    annotation: null,
    tag: definition?.prodStageTag,
    stored: definition ? null : stored?.prodStage,
  });

  // One at a time within a pipeline: syncRegion already runs several pipelines at once.
  const executions: TExecutionRecord[] = [];
  for (const execution of listed.executions) {
    if (!needsStages(execution)) {
      executions.push(execution);
      continue;
    }
    const { stages, failedAction, failureReason } = await getExecutionStages(client, { pipelineName: name, executionId: execution.executionId });
    executions.push({ ...execution, stages, failedAction, failureReason: failureReason ?? execution.failureReason });
  }

  const decided = executions.map((execution) => ({
    execution,
    deployment: prodStage ? decideDeployment(prodStage, execution) : ({ kind: "none", reason: "not-in-production" } as const),
  }));
  const productionCandidates: TProductionExecution[] = [
    ...(stored?.recentProductionExecutions ?? []),
    ...decided
      .filter((d) => d.deployment.kind === "deployment")
      .map((d) => ({ executionId: d.execution.executionId, reachedProductionAt: reachedProductionAt(prodStage ?? "", d.execution) })),
  ];

  const newest = listed.newest;
  return {
    name,
    arn: definition?.arn ?? stored?.arn ?? pipelineArn(region, accountId, name),
    version,
    definition,
    ...listing,
    prodStage,
    prodStageSource: source,
    state,
    isExecutionListSkipped,
    latestExecution: newest ? { executionId: newest.executionId, status: newest.status, startedAt: newest.startedAt } : null,
    executions: decided.map(({ execution, deployment }) => ({
      execution,
      deployment,
      rolledBackExecutionId: deployment.kind === "rollback" ? findRolledBackExecution(execution, productionCandidates) : null,
    })),
  };
}
