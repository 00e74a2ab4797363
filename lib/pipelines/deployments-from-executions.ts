/**
 * When a CodePipeline execution is a production deployment. Pure.
 *
 * Where "which stage did it reach / fail in" comes from: ListPipelineExecutions
 * summaries carry no per-stage status, and GetPipelineState only shows the
 * latest execution per stage. ListActionExecutions filtered by the execution
 * id returns each action run with its stageName and status, which is exact
 * for any execution, old or new. The collector calls it only where the status
 * alone cannot decide:
 *
 * - SUCCEEDED: every stage succeeded, so the production stage did. No call.
 *   (A production stage skipped by an entry condition would still count: a
 *   rare configuration, and exact when stages were fetched anyway.)
 * - FAILED: failed in the production stage → a failed deployment; failed in a
 *   later stage → production had succeeded → a deployment that succeeded;
 *   failed before it → not a deployment. Needs the stages.
 * - ROLLBACK executions: which stage was rolled back. Needs the stages.
 * - SUPERSEDED, STOPPED, STOPPING, CANCELLED: not deployments (an execution is
 *   superseded while waiting to enter a stage, and stopped or cancelled ones
 *   did not finish one); IN_PROGRESS: not yet.
 *
 * A rollback is not itself a new deployment. A rollback execution's
 * rollbackMetadata.rollbackTargetPipelineExecutionId is the execution rolled
 * back *to* (the last good one, whose artifacts it redeploys); the deployment
 * it undoes is the one that was in production when it started: the latest
 * STANDARD execution to reach the production stage before the rollback
 * started, other than the target. A succeeded rollback marks that one
 * ROLLED_BACK (a failure for change fail rate) with remediatedAt = when the
 * rollback finished.
 */
import type { TExecutionRecord, TExecutionStage, TProductionExecution } from "@/lib/pipelines/collect/types";

/** A Change row. CodePipeline never says when a commit was made: both times stay null. */
export interface TChangeRecord {
  sha: string;
  message: string | null;
  url: string | null;
  authoredAt: null;
  committedAt: null;
}

export type TNoDeploymentReason =
  | "in-progress"
  | "superseded"
  | "stopped"
  | "cancelled"
  | "not-in-production"
  | "stages-unknown"
  | "rollback-of-other-stage"
  | "rollback-failed";

export type TDeploymentDecision =
  | {
      kind: "deployment";
      status: "SUCCEEDED" | "FAILED";
      /** When the production stage started and finished, or the execution's times when the stages are unknown. */
      startedAt: Date;
      finishedAt: Date;
      version: string | null;
      changes: TChangeRecord[];
    }
  | {
      kind: "rollback";
      /** The execution whose artifacts the rollback redeployed. */
      rollbackTargetExecutionId: string | null;
      remediatedAt: Date;
    }
  | { kind: "none"; reason: TNoDeploymentReason };

const COMMIT_SHA = /^[0-9a-f]{7,64}$/i;

function stageNamed(stages: TExecutionStage[] | null, name: string): TExecutionStage | undefined {
  return stages?.find((s) => s.name === name);
}

function parseDate(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}

/**
 * Connections (GitHub, GitLab, Bitbucket) report the summary as JSON,
 * `{"ProviderType":"GitHub","CommitMessage":"…"}`; CodeCommit as plain text.
 */
export function commitMessage(summary: string | null): string | null {
  if (summary === null || !summary.startsWith("{")) return summary;
  try {
    const parsed: unknown = JSON.parse(summary);
    if (parsed && typeof parsed === "object" && "CommitMessage" in parsed && typeof parsed.CommitMessage === "string") {
      return parsed.CommitMessage;
    }
  } catch {
    // Not JSON after all: a plain message that starts with "{".
  }
  return summary;
}

/**
 * Source revisions that are commits become changes. An S3 version id or an
 * image digest is not a commit and has no lead time to measure.
 */
export function changesFromExecution(execution: Pick<TExecutionRecord, "sourceRevisions">): TChangeRecord[] {
  const bySha = new Map<string, TChangeRecord>();
  for (const revision of execution.sourceRevisions) {
    const sha = revision.revisionId?.toLowerCase();
    if (!sha || !COMMIT_SHA.test(sha) || bySha.has(sha)) continue;
    bySha.set(sha, { sha, message: commitMessage(revision.revisionSummary), url: revision.revisionUrl, authoredAt: null, committedAt: null });
  }
  return [...bySha.values()];
}

function deployment(execution: TExecutionRecord, status: "SUCCEEDED" | "FAILED", prod: TExecutionStage | undefined): TDeploymentDecision {
  return {
    kind: "deployment",
    status,
    startedAt: parseDate(prod?.startedAt ?? null) ?? execution.startedAt,
    finishedAt: parseDate(prod?.lastUpdatedAt ?? null) ?? execution.lastUpdatedAt,
    version: execution.sourceRevisions.find((r) => r.revisionId)?.revisionId ?? null,
    changes: changesFromExecution(execution),
  };
}

function decideRollback(prodStage: string, execution: TExecutionRecord): TDeploymentDecision {
  if (execution.status === "IN_PROGRESS" || execution.status === "STOPPING") return { kind: "none", reason: "in-progress" };
  if (execution.stages === null) return { kind: "none", reason: "stages-unknown" };
  const prod = stageNamed(execution.stages, prodStage);
  if (!prod) return { kind: "none", reason: "rollback-of-other-stage" };
  if (execution.status !== "SUCCEEDED") return { kind: "none", reason: "rollback-failed" };
  return {
    kind: "rollback",
    rollbackTargetExecutionId: execution.rollbackTargetExecutionId,
    remediatedAt: parseDate(prod.lastUpdatedAt) ?? execution.lastUpdatedAt,
  };
}

export function decideDeployment(prodStage: string, execution: TExecutionRecord): TDeploymentDecision {
  if (execution.executionType === "ROLLBACK") return decideRollback(prodStage, execution);
  const prod = stageNamed(execution.stages, prodStage);
  switch (execution.status) {
    case "IN_PROGRESS":
    case "STOPPING":
      return { kind: "none", reason: "in-progress" };
    case "SUPERSEDED":
      return { kind: "none", reason: "superseded" };
    case "STOPPED":
      return { kind: "none", reason: "stopped" };
    case "CANCELLED":
      return { kind: "none", reason: "cancelled" };
    case "SUCCEEDED":
      if (execution.stages !== null && prod?.status !== "Succeeded") return { kind: "none", reason: "not-in-production" };
      return deployment(execution, "SUCCEEDED", prod);
    case "FAILED":
      if (execution.stages === null) return { kind: "none", reason: "stages-unknown" };
      if (!prod) return { kind: "none", reason: "not-in-production" };
      return deployment(execution, prod.status === "Succeeded" ? "SUCCEEDED" : "FAILED", prod);
  }
}

/** When an execution reached production, for ordering candidates of a later rollback. */
export function reachedProductionAt(prodStage: string, execution: TExecutionRecord): Date {
  return parseDate(stageNamed(execution.stages, prodStage)?.startedAt ?? null) ?? execution.startedAt;
}

/**
 * The deployment a rollback undid: the latest production deployment that
 * reached production before the rollback started, other than its target.
 * Null when none of the candidates qualifies (the caller may look further
 * back in storage).
 */
export function findRolledBackExecution(
  rollback: Pick<TExecutionRecord, "executionId" | "startedAt" | "rollbackTargetExecutionId">,
  candidates: readonly TProductionExecution[],
): string | null {
  let best: TProductionExecution | null = null;
  for (const candidate of candidates) {
    if (candidate.executionId === rollback.executionId || candidate.executionId === rollback.rollbackTargetExecutionId) continue;
    if (candidate.reachedProductionAt.getTime() >= rollback.startedAt.getTime()) continue;
    if (!best || candidate.reachedProductionAt.getTime() > best.reachedProductionAt.getTime()) best = candidate;
  }
  return best?.executionId ?? null;
}
