/**
 * For tests: SDK-typed CodePipeline data, and an in-memory CodePipeline
 * behind aws-sdk-client-mock that pages like the real API.
 */
import {
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand,
  type ActionExecutionDetail,
  type ActionExecutionStatus,
  type CodePipelineClient,
  type GetPipelineOutput,
  type GetPipelineStateOutput,
  type ListActionExecutionsOutput,
  type ListPipelineExecutionsOutput,
  type ListPipelinesOutput,
  type ListTagsForResourceOutput,
  type PipelineExecutionStatus,
  type PipelineExecutionSummary,
  type StageExecutionStatus,
} from "@aws-sdk/client-codepipeline";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { TSyncRegionResult } from "@/lib/pipelines/collect/sync-region";
import type { TStoredPipeline } from "@/lib/pipelines/collect/types";

export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";
const T0 = Date.parse("2026-11-02T10:00:00Z");

/** A time `minutes` after a fixed origin. */
export function at(minutes: number): Date {
  return new Date(T0 + minutes * 60_000);
}

export function sha(n: number): string {
  return n.toString(16).padStart(40, "a");
}

export function executionSummary(
  id: string,
  status: PipelineExecutionStatus,
  startMinute: number,
  extra: Partial<PipelineExecutionSummary> = {},
): PipelineExecutionSummary {
  return {
    pipelineExecutionId: id,
    status,
    startTime: at(startMinute),
    lastUpdateTime: at(startMinute + 20),
    executionType: "STANDARD",
    trigger: { triggerType: "Webhook", triggerDetail: "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc" },
    sourceRevisions: [
      {
        actionName: "Source",
        revisionId: sha(startMinute),
        revisionSummary: JSON.stringify({ ProviderType: "GitHub", CommitMessage: `change ${id}` }),
        revisionUrl: `https://github.com/acme/web/commit/${sha(startMinute)}`,
      },
    ],
    ...extra,
  } satisfies PipelineExecutionSummary;
}

export function actionExecution(
  executionId: string,
  stageName: string,
  actionName: string,
  status: ActionExecutionStatus,
  startMinute: number,
  errorMessage?: string,
): ActionExecutionDetail {
  return {
    pipelineExecutionId: executionId,
    actionExecutionId: `${executionId}-${stageName}-${actionName}-${startMinute}`,
    pipelineVersion: 1,
    stageName,
    actionName,
    status,
    startTime: at(startMinute),
    lastUpdateTime: at(startMinute + 3),
    output: {
      executionResult: {
        externalExecutionId: "build-1",
        externalExecutionSummary: status === "Failed" ? "Deployment failed" : "Done",
        externalExecutionUrl: "https://console.aws.amazon.com/codesuite/codebuild",
        ...(errorMessage ? { errorDetails: { code: "JobFailed", message: errorMessage } } : {}),
      },
    },
  } satisfies ActionExecutionDetail;
}

export function pipelineDefinition(name: string, version: number, stages: readonly string[]): GetPipelineOutput {
  return {
    pipeline: {
      name,
      roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/pipeline`,
      version,
      executionMode: "SUPERSEDED",
      pipelineType: "V2",
      stages: stages.map((stage) => ({
        name: stage,
        actions: [
          {
            name: `${stage}Action`,
            actionTypeId: { category: stage === "Source" ? "Source" : "Deploy", owner: "AWS", provider: "CodeDeploy", version: "1" },
            runOrder: 1,
          },
        ],
      })),
    },
    metadata: { pipelineArn: `arn:aws:codepipeline:${REGION}:${ACCOUNT_ID}:${name}`, created: at(-1000), updated: at(-10) },
  } satisfies GetPipelineOutput;
}

/** GetPipelineState where every stage's latest execution is `executionId` with `status`. */
export function pipelineState(name: string, version: number, stages: readonly string[], latest: { executionId: string; status: StageExecutionStatus } | null): GetPipelineStateOutput {
  return {
    pipelineName: name,
    pipelineVersion: version,
    stageStates: stages.map((stage) => ({
      stageName: stage,
      ...(latest ? { latestExecution: { pipelineExecutionId: latest.executionId, status: latest.status, type: "STANDARD" } } : {}),
      actionStates: [{ actionName: `${stage}Action`, latestExecution: { status: "Succeeded", lastStatusChange: at(0) } }],
    })),
  } satisfies GetPipelineStateOutput;
}

export interface TFakePipeline {
  name: string;
  version: number;
  stages: readonly string[];
  tags?: Record<string, string>;
  /** ListPipelines' created and updated times (default: a fixed time long before the tests' executions). */
  created?: Date;
  updated?: Date;
  /** Newest first, as ListPipelineExecutions returns them. */
  executions: PipelineExecutionSummary[];
  /** Action executions by pipeline execution id. */
  actions?: Record<string, ActionExecutionDetail[]>;
  /** Defaults to every stage showing the newest execution. */
  state?: GetPipelineStateOutput;
  /** Makes GetPipelineState fail for this pipeline. */
  stateError?: Error;
}

export interface TFakeWorld {
  pipelines: TFakePipeline[];
  /** ListPipelines page size, whatever maxResults says (to exercise pagination). */
  pipelinesPerPage?: number;
  /** ListPipelineExecutions page size cap. */
  executionsPerPage?: number;
  listPipelinesError?: Error;
  /**
   * Inputs as they were sent, filled by the fake. (The SDK paginators reuse
   * one input object across pages, so the mock's own call history shows
   * every page with the last page's token.)
   */
  sent?: { command: string; input: Record<string, unknown> }[];
}

function page<T>(items: readonly T[], nextToken: string | undefined, size: number): { items: T[]; nextToken: string | undefined } {
  const start = nextToken ? Number(nextToken) : 0;
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? String(end) : undefined };
}

const STAGE_STATUS: Record<string, StageExecutionStatus> = {
  InProgress: "InProgress",
  Succeeded: "Succeeded",
  Failed: "Failed",
  Stopped: "Stopped",
  Stopping: "Stopping",
  Cancelled: "Cancelled",
  Superseded: "Succeeded",
};

function defaultState(p: TFakePipeline): GetPipelineStateOutput {
  const newest = p.executions[0];
  return pipelineState(
    p.name,
    p.version,
    p.stages,
    newest?.pipelineExecutionId ? { executionId: newest.pipelineExecutionId, status: STAGE_STATUS[newest.status ?? "Succeeded"] ?? "Succeeded" } : null,
  );
}

/** Wires `mock` to answer from `world`. Mutate `world` between syncs to simulate change. */
export function serveFakeCodePipeline(mock: AwsClientStub<CodePipelineClient>, world: TFakeWorld): void {
  const find = (name: string | undefined): TFakePipeline => {
    const pipeline = world.pipelines.find((p) => p.name === name);
    if (!pipeline) throw Object.assign(new Error(`The account does not have a pipeline named ${name}`), { name: "PipelineNotFoundException" });
    return pipeline;
  };
  const record = (command: string, input: object) => (world.sent ??= []).push({ command, input: { ...input } });
  mock.on(ListPipelinesCommand).callsFake(async (input: { nextToken?: string; maxResults?: number }) => {
    record("ListPipelines", input);
    const { nextToken, maxResults } = input;
    if (world.listPipelinesError) throw world.listPipelinesError;
    const { items, nextToken: next } = page(world.pipelines, nextToken, world.pipelinesPerPage ?? maxResults ?? 100);
    return {
      pipelines: items.map((p) => ({ name: p.name, version: p.version, pipelineType: "V2", created: p.created ?? at(-1000), updated: p.updated ?? at(-1000) })),
      nextToken: next,
    } satisfies ListPipelinesOutput;
  });
  mock.on(GetPipelineStateCommand).callsFake(async ({ name }: { name?: string }) => {
    const pipeline = find(name);
    if (pipeline.stateError) throw pipeline.stateError;
    return pipeline.state ?? defaultState(pipeline);
  });
  mock.on(GetPipelineCommand).callsFake(async ({ name }: { name?: string }) => {
    const pipeline = find(name);
    return pipelineDefinition(pipeline.name, pipeline.version, pipeline.stages);
  });
  mock.on(ListTagsForResourceCommand).callsFake(async ({ resourceArn }: { resourceArn?: string }) => {
    const pipeline = find(resourceArn?.split(":").pop());
    return { tags: Object.entries(pipeline.tags ?? {}).map(([key, value]) => ({ key, value })) } satisfies ListTagsForResourceOutput;
  });
  mock
    .on(ListPipelineExecutionsCommand)
    .callsFake(async (input: { pipelineName?: string; nextToken?: string; maxResults?: number }) => {
      record("ListPipelineExecutions", input);
      const { pipelineName, nextToken, maxResults } = input;
      const pipeline = find(pipelineName);
      const size = Math.min(maxResults ?? 100, world.executionsPerPage ?? 100);
      const { items, nextToken: next } = page(pipeline.executions, nextToken, size);
      return { pipelineExecutionSummaries: items, nextToken: next } satisfies ListPipelineExecutionsOutput;
    });
  mock
    .on(ListActionExecutionsCommand)
    .callsFake(async ({ pipelineName, filter }: { pipelineName?: string; filter?: { pipelineExecutionId?: string } }) => {
      const pipeline = find(pipelineName);
      const details = filter?.pipelineExecutionId ? (pipeline.actions?.[filter.pipelineExecutionId] ?? []) : Object.values(pipeline.actions ?? {}).flat();
      return { actionExecutionDetails: details } satisfies ListActionExecutionsOutput;
    });
}

/**
 * What the database would hold after applying `result` on top of `previous`:
 * lets tests run a second, incremental sync without a database.
 */
export function storedAfter(result: TSyncRegionResult, previous: ReadonlyMap<string, TStoredPipeline> = new Map()): Map<string, TStoredPipeline> {
  const stored = new Map<string, TStoredPipeline>();
  for (const pipeline of result.pipelines) {
    const before = previous.get(pipeline.name);
    const executions = new Map(before?.executions ?? []);
    const production = [...(before?.recentProductionExecutions ?? [])];
    for (const sync of result.executions.filter((e) => e.pipelineName === pipeline.name)) {
      executions.set(sync.execution.executionId, sync.execution.status);
      if (sync.deployment.kind === "deployment") production.push({ executionId: sync.execution.executionId, reachedProductionAt: sync.deployment.startedAt });
    }
    stored.set(pipeline.name, {
      name: pipeline.name,
      arn: pipeline.arn,
      version: pipeline.version,
      awsCreatedAt: pipeline.definition ? pipeline.created : (before?.awsCreatedAt ?? null),
      awsUpdatedAt: pipeline.definition ? pipeline.updated : (before?.awsUpdatedAt ?? null),
      structure: pipeline.definition?.structure ?? before?.structure ?? [],
      prodStage: pipeline.prodStage,
      state: pipeline.state,
      executions,
      recentProductionExecutions: production,
    });
  }
  return stored;
}
