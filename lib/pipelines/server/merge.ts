/**
 * How events and synced records are merged into what is stored. Pure.
 *
 * Every part of an execution (its status, trigger, each stage, each action,
 * each source revision) and of a pipeline's current state (each stage's
 * latest execution, each action) is a register that keeps the value with the
 * highest version (./versions). Other fields are the minimum or maximum of
 * what was seen (start and last-update times). So applying a set of events in
 * any order, each once or several times, gives the same result: an older
 * event never overwrites newer state, a replay changes nothing. Lists are
 * sorted by the pipeline's declared structure, then by when a part was first
 * seen, never by arrival order.
 *
 * The sync reads AWS at one moment; what it read carries versions from AWS's
 * own timestamps (execution lastUpdateTime, action times), so an event older
 * than what the sync saw does not undo it either.
 */
import type {
  TActionStatus,
  TExecutionRecord,
  TExecutionStage,
  TExecutionStatus,
  TExecutionType,
  TSourceRevision,
  TStageDeclaration,
  TStageState,
  TStageStatus,
} from "@/lib/pipelines/collect/types";
import type { TActionEventState, TCodePipelineEvent, TPipelineEventState, TStageEventState } from "@/lib/pipelines/server/aws-events";
import { earliest, eventVersion, floorVersion, isNewer, syncVersion, type TVersion } from "@/lib/pipelines/server/versions";

export type TClock = Record<string, TVersion>;

/** A PipelineExecution row as the merge sees it. */
export interface TExecutionSnapshot {
  executionId: string;
  status: TExecutionStatus;
  executionType: TExecutionType;
  rollbackOf: string | null;
  trigger: { triggerType: string | null; triggerDetail: string | null } | null;
  sourceRevisions: TSourceRevision[];
  /** [] when nothing is known about the stages. */
  stages: TExecutionStage[];
  failureReason: string | null;
  failedAction: string | null;
  startedAt: Date;
  lastUpdatedAt: Date;
  clock: TClock;
}

/** The parts of a Pipeline row the merge reads and writes. */
export interface TPipelineStateSnapshot {
  structure: TStageDeclaration[];
  state: TStageState[];
  clock: TClock;
  /** Events at or before the last sync are older than what it stored. */
  lastSyncedAt: Date | null;
}

export const ROLLBACK_TRIGGERS: ReadonlySet<string> = new Set(["ManualRollback", "AutomatedRollback"]);

// Ranks: within one second, which state of a part came last.
const PIPELINE_RANK: Record<TPipelineEventState, number> = {
  STARTED: 1,
  RESUMED: 2,
  STOPPING: 3,
  STOPPED: 4,
  SUCCEEDED: 4,
  FAILED: 4,
  CANCELED: 4,
  SUPERSEDED: 4,
};
const STAGE_RANK: Record<TStageEventState, number> = { STARTED: 1, RESUMED: 2, STOPPING: 3, STOPPED: 4, SUCCEEDED: 4, FAILED: 4, CANCELED: 4 };
const ACTION_RANK: Record<TActionEventState, number> = { STARTED: 1, SUCCEEDED: 4, FAILED: 4, ABANDONED: 4, CANCELED: 4 };
const STATUS_RANK: Record<TExecutionStatus, number> = { IN_PROGRESS: 1, STOPPING: 3, STOPPED: 4, SUCCEEDED: 4, SUPERSEDED: 4, FAILED: 4, CANCELLED: 4 };
const STAGE_STATUS_RANK: Record<TStageStatus, number> = { InProgress: 1, Stopping: 3, Stopped: 4, Succeeded: 4, Failed: 4, Cancelled: 4, Skipped: 4 };
const ACTION_STATUS_RANK: Record<TActionStatus, number> = { InProgress: 1, Succeeded: 4, Failed: 4, Abandoned: 4 };

const EXECUTION_STATUS: Record<TPipelineEventState, TExecutionStatus> = {
  STARTED: "IN_PROGRESS",
  RESUMED: "IN_PROGRESS",
  STOPPING: "STOPPING",
  STOPPED: "STOPPED",
  SUCCEEDED: "SUCCEEDED",
  FAILED: "FAILED",
  CANCELED: "CANCELLED",
  SUPERSEDED: "SUPERSEDED",
};
const STAGE_STATUS: Record<TStageEventState, TStageStatus> = {
  STARTED: "InProgress",
  RESUMED: "InProgress",
  STOPPING: "Stopping",
  STOPPED: "Stopped",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  CANCELED: "Cancelled",
};
// CodePipeline's action statuses have no "cancelled": an action cancelled by a structure update was abandoned.
const ACTION_STATUS: Record<TActionEventState, TActionStatus> = { STARTED: "InProgress", SUCCEEDED: "Succeeded", FAILED: "Failed", ABANDONED: "Abandoned", CANCELED: "Abandoned" };

const iso = (date: Date) => date.toISOString();
const minIso = (a: string | null, b: string): string => (a === null || b < a ? b : a);
const minDate = (a: Date, b: Date): Date => (b.getTime() < a.getTime() ? b : a);
const maxDate = (a: Date, b: Date): Date => (b.getTime() > a.getTime() ? b : a);
const rollbackOrStandard = (a: TExecutionType, b: TExecutionType): TExecutionType => (a === "ROLLBACK" || b === "ROLLBACK" ? "ROLLBACK" : "STANDARD");

function versionOf(event: TCodePipelineEvent): TVersion {
  const rank = event.kind === "pipeline" ? PIPELINE_RANK[event.state] : event.kind === "stage" ? STAGE_RANK[event.state] : ACTION_RANK[event.state];
  return eventVersion(event.time, rank, event.id);
}

const stageKey = (stage: string) => `stage:${stage}`;
const actionKey = (stage: string, action: string) => `action:${stage}/${action}`;
const revisionKey = (stage: string, action: string) => `revision:${stage}/${action}`;
const seenKey = (stage: string, action?: string) => (action === undefined ? `seen:${stage}` : `seen:${stage}/${action}`);

/** A source action that succeeded names the revision it fetched (a commit id for Git sources). */
function sourceRevisionOf(event: Extract<TCodePipelineEvent, { kind: "action" }>): TSourceRevision | null {
  if (event.category !== "Source" || event.state !== "SUCCEEDED" || !event.result?.externalId) return null;
  return { actionName: event.action, revisionId: event.result.externalId, revisionSummary: event.result.summary, revisionUrl: event.result.url };
}

/** Order: as declared in the structure, then first seen, then by name. */
function byStructure<T extends { name: string }>(items: T[], declared: readonly string[], seen: (item: T) => TVersion | undefined): T[] {
  const index = (name: string) => {
    const i = declared.indexOf(name);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  const compare = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return [...items].sort((a, b) => index(a.name) - index(b.name) || compare(seen(a) ?? "~", seen(b) ?? "~") || compare(a.name, b.name));
}

function declaredActions(structure: readonly TStageDeclaration[], stage: string): string[] {
  const declared = structure.find((s) => s.name === stage)?.actions ?? [];
  return [...declared].sort((a, b) => a.runOrder - b.runOrder).map((a) => a.name);
}

/**
 * The failed action of an execution, from its stages: the one that failed
 * last (then by name). Null when no action failed.
 */
export function failureFromStages(stages: readonly TExecutionStage[]): { failedAction: string; failureReason: string | null } | null {
  let best: { key: string; failedAction: string; failureReason: string | null } | null = null;
  for (const stage of stages) {
    for (const action of stage.actions) {
      if (action.status !== "Failed") continue;
      const failedAction = `${stage.name}.${action.name}`;
      const key = `${action.lastUpdatedAt ?? ""}|${failedAction}`;
      if (!best || key > best.key) best = { key, failedAction, failureReason: action.errorMessage };
    }
  }
  return best && { failedAction: best.failedAction, failureReason: best.failureReason };
}

/**
 * The failure follows the stages: the action that failed, if one did. When
 * no action shows a failure but the execution failed, a reason the sync read
 * from ListPipelineExecutions' status summary (which names no action) stays;
 * one that came from an action that has since succeeded (a retry) does not.
 */
function withFailure(execution: TExecutionSnapshot): TExecutionSnapshot {
  const failure = failureFromStages(execution.stages);
  if (failure) return { ...execution, ...failure };
  if (execution.status === "FAILED" && execution.failedAction === null) return execution;
  return { ...execution, failureReason: null, failedAction: null };
}

/** An execution first heard of through an event. */
export function newExecution(event: TCodePipelineEvent): TExecutionSnapshot {
  return {
    executionId: event.executionId,
    status: "IN_PROGRESS",
    executionType: "STANDARD",
    rollbackOf: null,
    trigger: null,
    sourceRevisions: [],
    stages: [],
    failureReason: null,
    failedAction: null,
    startedAt: event.startTime ?? event.time,
    lastUpdatedAt: event.time,
    clock: {},
  };
}

/** Applies one CodePipeline event to its execution. */
export function applyEventToExecution(current: TExecutionSnapshot, event: TCodePipelineEvent, structure: readonly TStageDeclaration[]): TExecutionSnapshot {
  const version = versionOf(event);
  const clock: TClock = { ...current.clock };
  let next: TExecutionSnapshot = {
    ...current,
    clock,
    startedAt: minDate(current.startedAt, event.startTime ?? event.time),
    lastUpdatedAt: maxDate(current.lastUpdatedAt, event.time),
  };

  if (event.kind === "pipeline") {
    if (isNewer(version, clock.status)) {
      clock.status = version;
      next.status = EXECUTION_STATUS[event.state];
    }
    if (event.trigger && isNewer(version, clock.trigger)) {
      clock.trigger = version;
      next.trigger = { triggerType: event.trigger.triggerType, triggerDetail: event.trigger.triggerDetail };
    }
    if (event.trigger && ROLLBACK_TRIGGERS.has(event.trigger.triggerType)) next.executionType = "ROLLBACK";
    return withFailure(next);
  }

  clock[seenKey(event.stage)] = earliest(clock[seenKey(event.stage)], version);
  let stage: TExecutionStage = next.stages.find((s) => s.name === event.stage) ?? {
    name: event.stage,
    // Until a stage event says otherwise: an action of it ran, so it ran.
    status: "InProgress",
    startedAt: null,
    lastUpdatedAt: null,
    actions: [],
  };

  if (event.kind === "stage") {
    if (event.state === "STARTED") stage = { ...stage, startedAt: minIso(stage.startedAt, iso(event.time)) };
    if (isNewer(version, clock[stageKey(event.stage)])) {
      clock[stageKey(event.stage)] = version;
      stage = { ...stage, status: STAGE_STATUS[event.state], lastUpdatedAt: iso(event.time) };
    }
  } else {
    clock[seenKey(event.stage, event.action)] = earliest(clock[seenKey(event.stage, event.action)], version);
    const existing = stage.actions.find((a) => a.name === event.action);
    let action: TExecutionStage["actions"][number] = existing ?? {
      name: event.action,
      status: "InProgress",
      startedAt: null,
      lastUpdatedAt: null,
      summary: null,
      externalUrl: null,
      errorMessage: null,
    };
    if (event.state === "STARTED") action = { ...action, startedAt: minIso(action.startedAt, iso(event.time)) };
    if (isNewer(version, clock[actionKey(event.stage, event.action)])) {
      clock[actionKey(event.stage, event.action)] = version;
      action = {
        ...action,
        status: ACTION_STATUS[event.state],
        lastUpdatedAt: iso(event.time),
        summary: event.result?.summary ?? null,
        externalUrl: event.result?.url ?? null,
        errorMessage: event.state === "FAILED" ? (event.result?.summary ?? event.result?.errorCode ?? null) : null,
      };
    }
    const actions = [...stage.actions.filter((a) => a.name !== event.action), action];
    stage = { ...stage, actions: byStructure(actions, declaredActions(structure, event.stage), (a) => clock[seenKey(event.stage, a.name)]) };

    const revision = sourceRevisionOf(event);
    if (revision && isNewer(version, clock[revisionKey(event.stage, event.action)])) {
      clock[revisionKey(event.stage, event.action)] = version;
      next = {
        ...next,
        sourceRevisions: [...next.sourceRevisions.filter((r) => r.actionName !== revision.actionName), revision].sort((a, b) =>
          a.actionName < b.actionName ? -1 : a.actionName > b.actionName ? 1 : 0,
        ),
      };
    }
  }

  const stages = [...next.stages.filter((s) => s.name !== event.stage), stage];
  next = {
    ...next,
    stages: byStructure(
      stages,
      structure.map((s) => s.name),
      (s) => clock[seenKey(s.name)],
    ),
  };
  return withFailure(next);
}

function stageVersions(stages: readonly TExecutionStage[]): TClock {
  const clock: TClock = {};
  for (const stage of stages) {
    if (stage.lastUpdatedAt) clock[stageKey(stage.name)] = syncVersion(new Date(stage.lastUpdatedAt), STAGE_STATUS_RANK[stage.status]);
    for (const action of stage.actions) {
      if (action.lastUpdatedAt) clock[actionKey(stage.name, action.name)] = syncVersion(new Date(action.lastUpdatedAt), ACTION_STATUS_RANK[action.status]);
    }
  }
  return clock;
}

const isStageEntry = (key: string) => key.startsWith("stage:") || key.startsWith("action:");

/**
 * What the sync read about an execution (ListPipelineExecutions, and
 * ListActionExecutions when it fetched the stages), merged onto what is
 * stored. The status is taken unless an event newer than AWS's last update
 * time was applied since; fetched stages replace the stored ones.
 */
export function mergeSyncedExecution(stored: TExecutionSnapshot | null, record: TExecutionRecord): TExecutionSnapshot {
  const statusVersion = syncVersion(record.lastUpdatedAt, STATUS_RANK[record.status]);
  const clock: TClock = { ...(stored?.clock ?? {}) };
  const isStatusNewer = isNewer(statusVersion, clock.status);
  if (isStatusNewer) clock.status = statusVersion;
  let stages = stored?.stages ?? [];
  if (record.stages !== null) {
    stages = record.stages;
    for (const key of Object.keys(clock)) if (isStageEntry(key)) delete clock[key];
    Object.assign(clock, stageVersions(record.stages));
  }
  const merged: TExecutionSnapshot = {
    executionId: record.executionId,
    status: isStatusNewer || !stored ? record.status : stored.status,
    executionType: rollbackOrStandard(record.executionType, stored?.executionType ?? "STANDARD"),
    rollbackOf: record.rollbackTargetExecutionId ?? stored?.rollbackOf ?? null,
    trigger: record.trigger ?? stored?.trigger ?? null,
    sourceRevisions: record.sourceRevisions.length > 0 ? record.sourceRevisions : (stored?.sourceRevisions ?? []),
    stages,
    failureReason: record.failureReason ?? stored?.failureReason ?? null,
    failedAction: record.failedAction ?? stored?.failedAction ?? null,
    // AWS's own start time is exact; events only know it to the second when they lack start-time.
    startedAt: record.startedAt,
    lastUpdatedAt: stored ? maxDate(stored.lastUpdatedAt, record.lastUpdatedAt) : record.lastUpdatedAt,
    clock,
  };
  if (record.stages !== null) return { ...merged, failureReason: record.failureReason, failedAction: record.failedAction };
  return withFailure(merged);
}

/**
 * Applies one CodePipeline event to the pipeline's current state (what
 * GetPipelineState would show): the stage's latest execution, the action's
 * latest run. `execution` is the event's execution after applying the event,
 * for its type. Returns the input unchanged when the event is older than what
 * is stored.
 */
export function applyEventToState(current: TPipelineStateSnapshot, event: TCodePipelineEvent, execution: TExecutionSnapshot): TPipelineStateSnapshot {
  if (event.kind === "pipeline") return refreshExecutionType(current, execution);
  const version = versionOf(event);
  if (current.lastSyncedAt && version <= floorVersion(current.lastSyncedAt)) return refreshExecutionType(current, execution);

  const clock: TClock = { ...current.clock };
  clock[seenKey(event.stage)] = earliest(clock[seenKey(event.stage)], version);
  let stage: TStageState = current.state.find((s) => s.name === event.stage) ?? { name: event.stage, latestExecution: null, inboundExecutionIds: [], actions: [] };
  // It is in the stage (or past it), so no longer waiting to enter it.
  stage = { ...stage, inboundExecutionIds: stage.inboundExecutionIds.filter((id) => id !== event.executionId) };

  if (event.kind === "stage") {
    if (isNewer(version, clock[stageKey(event.stage)])) {
      clock[stageKey(event.stage)] = version;
      stage = { ...stage, latestExecution: { executionId: event.executionId, status: STAGE_STATUS[event.state], type: execution.executionType } };
    }
  } else {
    clock[seenKey(event.stage, event.action)] = earliest(clock[seenKey(event.stage, event.action)], version);
    let action: TStageState["actions"][number] = stage.actions.find((a) => a.name === event.action) ?? {
      name: event.action,
      status: null,
      lastStatusChange: null,
      summary: null,
      errorMessage: null,
      externalUrl: null,
      revisionId: null,
    };
    if (isNewer(version, clock[actionKey(event.stage, event.action)])) {
      clock[actionKey(event.stage, event.action)] = version;
      action = {
        ...action,
        status: ACTION_STATUS[event.state],
        lastStatusChange: iso(event.time),
        summary: event.result?.summary ?? null,
        errorMessage: event.state === "FAILED" ? (event.result?.summary ?? event.result?.errorCode ?? null) : null,
        externalUrl: event.result?.url ?? null,
      };
    }
    const revision = sourceRevisionOf(event);
    if (revision && isNewer(version, clock[revisionKey(event.stage, event.action)])) {
      clock[revisionKey(event.stage, event.action)] = version;
      action = { ...action, revisionId: revision.revisionId };
    }
    const actions = [...stage.actions.filter((a) => a.name !== event.action), action];
    stage = { ...stage, actions: byStructure(actions, declaredActions(current.structure, event.stage), (a) => clock[seenKey(event.stage, a.name)]) };
  }

  const state = byStructure(
    [...current.state.filter((s) => s.name !== event.stage), stage],
    current.structure.map((s) => s.name),
    (s) => clock[seenKey(s.name)],
  );
  return refreshExecutionType({ ...current, state, clock }, execution);
}

/** Stages showing this execution show its type as now known (a rollback may be known only from a later event). */
function refreshExecutionType(current: TPipelineStateSnapshot, execution: TExecutionSnapshot): TPipelineStateSnapshot {
  const isStale = current.state.some((s) => s.latestExecution?.executionId === execution.executionId && s.latestExecution.type !== execution.executionType);
  if (!isStale) return current;
  return {
    ...current,
    state: current.state.map((s) =>
      s.latestExecution?.executionId === execution.executionId ? { ...s, latestExecution: { ...s.latestExecution, type: execution.executionType } } : s,
    ),
  };
}
