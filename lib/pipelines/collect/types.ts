/**
 * The collector's own shapes: what it reads back from storage and what it
 * hands over to be upserted. No SDK type appears here. Enum values match
 * the Prisma enums (ExecutionStatus); JSON-bound parts (structure, state,
 * stages) carry ISO strings, not Dates, because that is what reading them
 * back yields.
 */

/** Prisma's ExecutionStatus. */
export type TExecutionStatus = "IN_PROGRESS" | "STOPPING" | "STOPPED" | "SUCCEEDED" | "SUPERSEDED" | "FAILED" | "CANCELLED";
export type TExecutionType = "STANDARD" | "ROLLBACK";
/** CodePipeline's own stage and action statuses, kept as they are in the JSON columns. */
export type TStageStatus = "Cancelled" | "Failed" | "InProgress" | "Skipped" | "Stopped" | "Stopping" | "Succeeded";
export type TActionStatus = "Abandoned" | "Failed" | "InProgress" | "Succeeded";

export const TERMINAL_STATUSES: ReadonlySet<TExecutionStatus> = new Set(["STOPPED", "SUCCEEDED", "SUPERSEDED", "FAILED", "CANCELLED"]);

export interface TPipelineSummary {
  name: string;
  version: number;
  pipelineType: string | null;
  executionMode: string | null;
  created: Date | null;
  updated: Date | null;
}

/** Pipeline.structure: stages and actions as declared (GetPipeline). */
export interface TStageDeclaration {
  name: string;
  actions: { name: string; category: string; provider: string; runOrder: number }[];
}

/** What GetPipeline + ListTagsForResource say; fetched only when the version changes. */
export interface TPipelineDefinition {
  arn: string;
  version: number;
  structure: TStageDeclaration[];
  executionMode: string | null;
  pipelineType: string | null;
  tags: Record<string, string>;
  /** Tag `portside:service`: the catalog service slug this pipeline deploys. */
  serviceTag: string | null;
  /** Tag `portside:prod-stage`. */
  prodStageTag: string | null;
}

/** Pipeline.state: one entry per stage (GetPipelineState). */
export interface TStageState {
  name: string;
  latestExecution: { executionId: string; status: TStageStatus; type: TExecutionType } | null;
  /** Executions waiting to enter the stage. */
  inboundExecutionIds: string[];
  actions: {
    name: string;
    status: TActionStatus | null;
    lastStatusChange: string | null;
    summary: string | null;
    errorMessage: string | null;
    externalUrl: string | null;
    revisionId: string | null;
  }[];
}

export interface TSourceRevision {
  actionName: string;
  revisionId: string | null;
  revisionSummary: string | null;
  revisionUrl: string | null;
}

/** PipelineExecution.stages: what each stage did in one execution (from ListActionExecutions). */
export interface TExecutionStage {
  name: string;
  status: TStageStatus;
  startedAt: string | null;
  lastUpdatedAt: string | null;
  actions: {
    name: string;
    status: TActionStatus;
    startedAt: string | null;
    lastUpdatedAt: string | null;
    summary: string | null;
    externalUrl: string | null;
    errorMessage: string | null;
  }[];
}

/** One PipelineExecution row. */
export interface TExecutionRecord {
  executionId: string;
  status: TExecutionStatus;
  executionType: TExecutionType;
  /** For a rollback, the execution rolled back *to* (PipelineExecution.rollbackOf). */
  rollbackTargetExecutionId: string | null;
  trigger: { triggerType: string | null; triggerDetail: string | null } | null;
  stopReason: string | null;
  sourceRevisions: TSourceRevision[];
  /**
   * Null when not fetched this time (keep what is stored): only failed and
   * rollback executions need, and get, ListActionExecutions.
   */
  stages: TExecutionStage[] | null;
  failureReason: string | null;
  /** "Stage.Action" of the action that failed. */
  failedAction: string | null;
  startedAt: Date;
  lastUpdatedAt: Date;
}

/** What the caller read from storage for one pipeline, so the sync can be incremental. */
export interface TStoredPipeline {
  name: string;
  arn: string;
  version: number;
  /** Pipeline.structure as stored. */
  structure: TStageDeclaration[];
  /** ListPipelines' created and updated times as of the last definition fetch (null: not known). */
  awsCreatedAt?: Date | null;
  awsUpdatedAt?: Date | null;
  /** Pipeline.prodStage as stored (resolved at the last definition fetch). */
  prodStage: string | null;
  /** Pipeline.state as stored at the last sync; null if never synced. */
  state: TStageState[] | null;
  /**
   * Known executions and their stored status. Must include the newest stored
   * execution and every stored execution that is not terminal; older settled
   * ones are not needed.
   */
  executions: ReadonlyMap<string, TExecutionStatus>;
  /**
   * Recent production deployments of this pipeline (STANDARD executions that
   * reached the production stage), for attributing a rollback to the
   * deployment it undid. A handful of the newest is enough.
   */
  recentProductionExecutions?: TProductionExecution[];
}

export interface TProductionExecution {
  executionId: string;
  /** When the execution entered the production stage, or started if unknown. */
  reachedProductionAt: Date;
}
