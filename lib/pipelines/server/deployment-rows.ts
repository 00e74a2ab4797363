/**
 * From a stored execution to the Deployment row it makes (or not), with the
 * rules of lib/pipelines/deployments-from-executions.ts. Pure.
 */
import type { TExecutionRecord } from "@/lib/pipelines/collect/types";
import { normaliseEnvironment } from "@/lib/deployments/schemas";
import { decideDeployment, type TChangeRecord, type TDeploymentDecision } from "@/lib/pipelines/deployments-from-executions";
import type { TExecutionSnapshot } from "@/lib/pipelines/server/merge";

export const DEPLOYMENT_SOURCE = "codepipeline";
export const PRODUCTION = normaliseEnvironment("production");

export interface TPipelineRef {
  id: number;
  arn: string;
  name: string;
  region: string;
  serviceId: number | null;
  prodStage: string | null;
}

/**
 * The record decideDeployment expects. Stored stages may be partial when
 * they came from events (only the stages whose events arrived): for a
 * succeeded execution that shows no production stage yet they say nothing,
 * so they count as unknown, as for one the sync did not fetch stages for.
 */
export function recordForDecision(execution: TExecutionSnapshot, prodStage: string): TExecutionRecord {
  const hasProdStage = execution.stages.some((s) => s.name === prodStage);
  const isUnknown = execution.stages.length === 0 || (execution.status === "SUCCEEDED" && !hasProdStage);
  return {
    executionId: execution.executionId,
    status: execution.status,
    executionType: execution.executionType,
    rollbackTargetExecutionId: execution.rollbackOf,
    trigger: execution.trigger,
    stopReason: null,
    sourceRevisions: execution.sourceRevisions,
    stages: isUnknown ? null : execution.stages,
    failureReason: execution.failureReason,
    failedAction: execution.failedAction,
    startedAt: execution.startedAt,
    lastUpdatedAt: execution.lastUpdatedAt,
  };
}

export function decide(execution: TExecutionSnapshot, pipeline: TPipelineRef): TDeploymentDecision {
  if (pipeline.prodStage === null) return { kind: "none", reason: "not-in-production" };
  return decideDeployment(pipeline.prodStage, recordForDecision(execution, pipeline.prodStage));
}

/** Stable across syncs and events: the pipeline ARN and the execution id. */
export function deploymentExternalId(pipelineArn: string, executionId: string): string {
  return `${pipelineArn}/${executionId}`;
}

function consoleHost(region: string): string {
  if (region.startsWith("cn-")) return "console.amazonaws.cn";
  if (region.startsWith("us-gov-")) return "console.amazonaws-us-gov.com";
  return `${region}.console.aws.amazon.com`;
}

/** The execution in the AWS console. */
export function executionConsoleUrl(pipeline: Pick<TPipelineRef, "name" | "region">, executionId: string): string {
  return `https://${consoleHost(pipeline.region)}/codesuite/codepipeline/pipelines/${encodeURIComponent(pipeline.name)}/executions/${encodeURIComponent(executionId)}/timeline?region=${pipeline.region}`;
}

/** A commit id shortened as Git shows it; any other revision (an S3 version, an image digest) as it is. */
export function shortVersion(revisionId: string | null): string | null {
  if (revisionId === null) return null;
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i.test(revisionId) ? revisionId.slice(0, 7).toLowerCase() : revisionId.slice(0, 200);
}

export interface TDeploymentRow {
  pipelineExecutionId: number;
  serviceId: number;
  environment: string;
  status: "SUCCEEDED" | "FAILED";
  startedAt: Date;
  finishedAt: Date;
  version: string | null;
  source: string;
  externalId: string;
  url: string;
  changes: TChangeRecord[];
}

export function deploymentRow(
  decision: Extract<TDeploymentDecision, { kind: "deployment" }>,
  execution: { id: number; executionId: string },
  pipeline: TPipelineRef & { serviceId: number },
): TDeploymentRow {
  return {
    pipelineExecutionId: execution.id,
    serviceId: pipeline.serviceId,
    environment: PRODUCTION,
    status: decision.status,
    startedAt: decision.startedAt,
    finishedAt: decision.finishedAt,
    version: shortVersion(decision.version),
    source: DEPLOYMENT_SOURCE,
    externalId: deploymentExternalId(pipeline.arn, execution.executionId),
    url: executionConsoleUrl(pipeline, execution.executionId),
    changes: decision.changes,
  };
}
