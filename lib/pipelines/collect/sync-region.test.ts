import {
  CodePipelineClient,
  CodePipelineServiceException,
  GetPipelineCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-codepipeline";
import type { HttpResponse } from "@smithy/types";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { newSyncStats } from "@/lib/aws/clients";
import { AppError } from "@/lib/errors";
import {
  ACCOUNT_ID,
  REGION,
  actionExecution,
  at,
  executionSummary,
  serveFakeCodePipeline,
  storedAfter,
  type TFakeWorld,
} from "@/lib/testing/aws/fake-codepipeline";
import { isStateUnchanged, resolveProdStage } from "@/lib/pipelines/collect/sync-pipeline";
import { syncRegion, type TSyncRegionOptions } from "@/lib/pipelines/collect/sync-region";
import type { TStoredPipeline } from "@/lib/pipelines/collect/types";

const cp = mockClient(CodePipelineClient);
const client = new CodePipelineClient({ region: REGION });

/** Calls made since the last reset, per operation (zeros included, so a test states every count). */
function callCounts() {
  return {
    ListPipelines: cp.commandCalls(ListPipelinesCommand).length,
    GetPipelineState: cp.commandCalls(GetPipelineStateCommand).length,
    GetPipeline: cp.commandCalls(GetPipelineCommand).length,
    ListTagsForResource: cp.commandCalls(ListTagsForResourceCommand).length,
    ListPipelineExecutions: cp.commandCalls(ListPipelineExecutionsCommand).length,
    ListActionExecutions: cp.commandCalls(ListActionExecutionsCommand).length,
  };
}

function awsError(name: string, message: string): CodePipelineServiceException {
  return new CodePipelineServiceException({ name, $fault: "client", $metadata: { httpStatusCode: 400 }, message });
}

let world: TFakeWorld;

beforeEach(() => {
  cp.reset();
  world = {
    pipelines: [
      {
        name: "web",
        version: 3,
        stages: ["Source", "Build", "Production"],
        tags: { "portside:service": "web", "portside:prod-stage": "Production" },
        executions: [
          executionSummary("w3", "Succeeded", 300),
          executionSummary("w2", "Failed", 200, { statusSummary: "Deploy failed" }),
          executionSummary("w1", "Succeeded", 100),
        ],
        actions: {
          w2: [
            actionExecution("w2", "Source", "Source", "Succeeded", 200),
            actionExecution("w2", "Build", "Build", "Succeeded", 205),
            actionExecution("w2", "Production", "Deploy", "Failed", 210, "Health checks failed"),
          ],
        },
      },
      {
        name: "api",
        version: 1,
        stages: ["Source", "Deploy", "Verify"],
        tags: { "portside:prod-stage": "Deploy" },
        executions: [executionSummary("a2", "Succeeded", 250), executionSummary("a1", "Superseded", 240)],
      },
      { name: "batch", version: 1, stages: ["Source", "Prod"], executions: [] },
    ],
  };
  serveFakeCodePipeline(cp, world);
});

// No pipeline's turn in the definition rotation unless a test asks for one: call counts stay exact.
const sync = (options: Partial<TSyncRegionOptions> = {}) =>
  syncRegion({ client, accountId: ACCOUNT_ID, region: REGION, stats: newSyncStats(), definitionRefreshRounds: 0, now: at(1000), ...options });

const pipelineNamed = (name: string) => {
  const pipeline = world.pipelines.find((p) => p.name === name);
  if (!pipeline) throw new Error(name);
  return pipeline;
};

describe("syncRegion: first sync", () => {
  it("reads definition, tags, state and history of every pipeline", async () => {
    const result = await sync();
    expect(callCounts()).toEqual({
      ListPipelines: 1,
      GetPipelineState: 3,
      GetPipeline: 3,
      ListTagsForResource: 3,
      ListPipelineExecutions: 3,
      // Only the failed execution needs its stages.
      ListActionExecutions: 1,
    });
    expect(cp.commandCalls(ListActionExecutionsCommand)[0]?.args[0].input.filter).toEqual({ pipelineExecutionId: "w2" });
    expect(result.failures).toEqual([]);
    expect(result.pipelines.map((p) => [p.name, p.arn, p.prodStage, p.prodStageSource, p.definition?.serviceTag ?? null])).toEqual([
      ["web", `arn:aws:codepipeline:${REGION}:${ACCOUNT_ID}:web`, "Production", "tag", "web"],
      ["api", `arn:aws:codepipeline:${REGION}:${ACCOUNT_ID}:api`, "Deploy", "tag", null],
      ["batch", `arn:aws:codepipeline:${REGION}:${ACCOUNT_ID}:batch`, "Prod", "last-stage", null],
    ]);
    expect(result.pipelines[0]?.latestExecution).toEqual({ executionId: "w3", status: "SUCCEEDED", startedAt: at(300) });
    expect(result.pipelines[0]?.definition?.structure.map((s) => s.name)).toEqual(["Source", "Build", "Production"]);
  });

  it("maps executions to deployments with the pipeline's production stage", async () => {
    const result = await sync();
    const decisions = result.executions.map((e) => [e.pipelineName, e.execution.executionId, e.deployment.kind === "none" ? e.deployment.reason : e.deployment.kind === "deployment" ? e.deployment.status : "rollback"]);
    expect(decisions).toEqual([
      ["web", "w3", "SUCCEEDED"],
      ["web", "w2", "FAILED"],
      ["web", "w1", "SUCCEEDED"],
      ["api", "a2", "SUCCEEDED"],
      ["api", "a1", "superseded"],
    ]);
    expect(result.executions[1]?.execution).toMatchObject({ failedAction: "Production.Deploy", failureReason: "Health checks failed" });
  });

  it("keeps the execution's status summary as the failure reason when the failed action gives none", async () => {
    const web = pipelineNamed("web");
    web.actions = { w2: [actionExecution("w2", "Production", "Deploy", "Failed", 210)] };
    for (const detail of web.actions.w2 ?? []) delete detail.output;
    const result = await sync();
    expect(result.executions[1]?.execution).toMatchObject({ failedAction: "Production.Deploy", failureReason: "Deploy failed" });
  });

  it("caps the history read on a first sync, paging as needed", async () => {
    const web = pipelineNamed("web");
    web.executions = Array.from({ length: 130 }, (_, i) => executionSummary(`w${130 - i}`, "Succeeded", (130 - i) * 30));
    world.executionsPerPage = 60;
    const result = await sync({ maxFirstSyncExecutions: 100 });
    expect(result.executions.filter((e) => e.pipelineName === "web")).toHaveLength(100);
    expect(world.sent?.filter((s) => s.command === "ListPipelineExecutions" && s.input.pipelineName === "web").map((s) => s.input.nextToken)).toEqual([undefined, "60"]);
  });
});

describe("syncRegion: incremental syncs", () => {
  it("costs one ListPipelines pass and one GetPipelineState per pipeline when nothing changed", async () => {
    const stored = storedAfter(await sync());
    cp.resetHistory();
    const result = await sync({ stored });
    expect(callCounts()).toEqual({
      ListPipelines: 1,
      GetPipelineState: 3,
      GetPipeline: 0,
      ListTagsForResource: 0,
      ListPipelineExecutions: 0,
      ListActionExecutions: 0,
    });
    expect(result.executions).toEqual([]);
    expect(result.pipelines.every((p) => p.isExecutionListSkipped && p.definition === null)).toBe(true);
    // Incremental results keep the stored production stage.
    expect(result.pipelines.map((p) => [p.prodStage, p.prodStageSource])).toEqual([
      ["Production", "stored"],
      ["Deploy", "stored"],
      ["Prod", "stored"],
    ]);
  });

  it("costs one ListPipelineExecutions per pipeline, and no GetPipeline, when the stored state is unknown", async () => {
    const stored = storedAfter(await sync());
    for (const pipeline of stored.values()) pipeline.state = null;
    cp.resetHistory();
    const result = await sync({ stored });
    expect(callCounts()).toEqual({
      ListPipelines: 1,
      GetPipelineState: 3,
      GetPipeline: 0,
      ListTagsForResource: 0,
      ListPipelineExecutions: 3,
      ListActionExecutions: 0,
    });
    expect(result.executions).toEqual([]);
  });

  it("fetches only the executions newer than the newest stored one", async () => {
    const stored = storedAfter(await sync());
    const web = pipelineNamed("web");
    web.executions = [executionSummary("w5", "Succeeded", 500), executionSummary("w4", "Failed", 400), ...web.executions];
    web.actions = { ...web.actions, w4: [actionExecution("w4", "Source", "Source", "Succeeded", 400), actionExecution("w4", "Build", "Build", "Failed", 405, "Unit tests failed")] };
    cp.resetHistory();
    const result = await sync({ stored });
    expect(result.executions.map((e) => [e.execution.executionId, e.deployment])).toEqual([
      ["w5", expect.objectContaining({ kind: "deployment", status: "SUCCEEDED" })],
      ["w4", { kind: "none", reason: "not-in-production" }],
    ]);
    expect(callCounts()).toEqual({
      ListPipelines: 1,
      GetPipelineState: 3,
      GetPipeline: 0,
      ListTagsForResource: 0,
      ListPipelineExecutions: 1,
      ListActionExecutions: 1,
    });
    expect(cp.commandCalls(ListActionExecutionsCommand)[0]?.args[0].input.filter).toEqual({ pipelineExecutionId: "w4" });
  });

  it("updates a stored execution that was still running", async () => {
    const web = pipelineNamed("web");
    web.executions[0] = executionSummary("w3", "InProgress", 300);
    const stored = storedAfter(await sync());
    web.executions[0] = executionSummary("w3", "Failed", 300);
    web.actions = { ...web.actions, w3: [actionExecution("w3", "Production", "Deploy", "Failed", 310, "Timed out")] };
    cp.resetHistory();
    const result = await sync({ stored });
    expect(result.executions.map((e) => [e.execution.executionId, e.execution.status, e.deployment.kind])).toEqual([["w3", "FAILED", "deployment"]]);
    expect(callCounts()).toMatchObject({ ListPipelineExecutions: 1, ListActionExecutions: 1 });
  });

  it("reads the definition and tags again only when the version changes", async () => {
    const stored = storedAfter(await sync());
    const api = pipelineNamed("api");
    api.version = 2;
    api.stages = ["Source", "Deploy", "Canary", "Verify"];
    cp.resetHistory();
    const result = await sync({ stored });
    expect(callCounts()).toMatchObject({ GetPipeline: 1, ListTagsForResource: 1 });
    expect(cp.commandCalls(GetPipelineCommand)[0]?.args[0].input).toEqual({ name: "api" });
    expect(result.pipelines.find((p) => p.name === "api")?.definition?.structure.map((s) => s.name)).toEqual(["Source", "Deploy", "Canary", "Verify"]);
    expect(result.pipelines.filter((p) => p.definition === null).map((p) => p.name)).toEqual(["web", "batch"]);
  });

  it("reads the definition and tags again when a pipeline is recreated under the same name at the same version", async () => {
    const stored = storedAfter(await sync());
    // Deleted and recreated (as Terraform does): version 1 again, other stages, another service tag; only the times tell.
    const api = pipelineNamed("api");
    api.created = at(800);
    api.updated = at(800);
    api.stages = ["Source", "Build", "Release"];
    api.tags = { "portside:service": "api-v2" };
    cp.resetHistory();
    const result = await sync({ stored });
    expect(callCounts()).toMatchObject({ GetPipeline: 1, ListTagsForResource: 1 });
    const synced = result.pipelines.find((p) => p.name === "api");
    expect(synced?.definition).toMatchObject({ structure: [{ name: "Source" }, { name: "Build" }, { name: "Release" }], serviceTag: "api-v2" });
    expect(synced).toMatchObject({ created: at(800), updated: at(800) });

    // Stored with its new times, the next sync reads nothing again.
    cp.resetHistory();
    await sync({ stored: storedAfter(result, stored) });
    expect(callCounts()).toMatchObject({ GetPipeline: 0, ListTagsForResource: 0 });
  });

  it("reads every pipeline's definition and tags again once per rotation, a slice each sync, so a changed tag is seen", async () => {
    const stored = storedAfter(await sync());
    pipelineNamed("web").tags = { "portside:service": "storefront", "portside:prod-stage": "Production" };
    const rounds = 4;
    const seen: string[] = [];
    for (let round = 0; round < rounds; round++) {
      cp.resetHistory();
      const result = await sync({ stored, definitionRefreshRounds: rounds, intervalMinutes: 5, now: new Date(round * 5 * 60_000) });
      seen.push(...result.pipelines.filter((p) => p.definition !== null).map((p) => p.name));
      const web = result.pipelines.find((p) => p.name === "web" && p.definition !== null);
      if (web) expect(web.definition?.serviceTag).toBe("storefront");
    }
    expect(seen.sort()).toEqual(["api", "batch", "web"]);
  });

  it("reads every definition when forced", async () => {
    const stored = storedAfter(await sync());
    cp.resetHistory();
    await sync({ stored, isDefinitionRefreshForced: true });
    expect(callCounts()).toMatchObject({ GetPipeline: 3, ListTagsForResource: 3 });
  });

  it("attributes a production rollback to the deployment it undid, across syncs", async () => {
    const web = pipelineNamed("web");
    web.executions = [executionSummary("w4", "Succeeded", 400), ...web.executions];
    const stored = storedAfter(await sync());
    web.executions = [
      executionSummary("r1", "Succeeded", 450, { executionType: "ROLLBACK", rollbackMetadata: { rollbackTargetPipelineExecutionId: "w3" }, trigger: { triggerType: "ManualRollback" } }),
      ...web.executions,
    ];
    web.actions = { ...web.actions, r1: [actionExecution("r1", "Production", "Deploy", "Succeeded", 451)] };
    const result = await sync({ stored });
    expect(result.executions).toEqual([
      expect.objectContaining({
        deployment: { kind: "rollback", rollbackTargetExecutionId: "w3", remediatedAt: at(454) },
        rolledBackExecutionId: "w4",
      }),
    ]);
  });
});

describe("syncRegion: failures", () => {
  it("records a failing pipeline and finishes the others", async () => {
    pipelineNamed("api").stateError = awsError("AccessDeniedException", "not authorized to perform codepipeline:GetPipelineState");
    const result = await sync();
    expect(result.failures).toEqual([{ pipelineName: "api", error: "GetPipelineState HTTP 400 AccessDeniedException: not authorized to perform codepipeline:GetPipelineState" }]);
    expect(result.pipelines.map((p) => p.name)).toEqual(["web", "batch"]);
    expect(result.executions.some((e) => e.pipelineName === "web")).toBe(true);
  });

  it("fails the region with a clear error when ListPipelines fails", async () => {
    world.listPipelinesError = awsError("AccessDeniedException", "User is not authorized to perform: codepipeline:ListPipelines");
    const error = await sync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "UPSTREAM",
      message: `Could not list CodePipeline pipelines in account ${ACCOUNT_ID}, region ${REGION}: ListPipelines HTTP 400 AccessDeniedException: User is not authorized to perform: codepipeline:ListPipelines`,
    });
    expect(callCounts()).toMatchObject({ ListPipelines: 1, GetPipelineState: 0 });
  });

  it("names the operation, HTTP status and AWS error code, never the SDK's text about hidden fields", async () => {
    // What the SDK throws when a proxy answers with an HTML page: the parser's error, the SDK's hint, the raw response hidden.
    const unreadable = () => {
      const error = Object.assign(new SyntaxError(`Unexpected token '<', "<html><bod"... is not valid JSON`), { $metadata: { httpStatusCode: 502 } });
      error.message += "\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.";
      const response: HttpResponse = { statusCode: 502, headers: { "content-type": "text/html" }, body: "<html><body>Bad Gateway</body></html>" };
      return Object.defineProperty(error, "$response", { value: response, enumerable: false });
    };
    pipelineNamed("web").stateError = unreadable();
    pipelineNamed("api").stateError = new CodePipelineServiceException({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "7b1c" },
      message: "Rate exceeded",
    });
    const result = await sync();
    expect(result.failures).toEqual([
      { pipelineName: "web", error: "GetPipelineState HTTP 502: the response could not be read as an AWS answer (a proxy or endpoint in between?)" },
      { pipelineName: "api", error: "GetPipelineState HTTP 400 ThrottlingException: Rate exceeded" },
    ]);

    world.listPipelinesError = unreadable();
    const error = await sync().catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Could not list CodePipeline pipelines in account ${ACCOUNT_ID}, region ${REGION}: ListPipelines HTTP 502: the response could not be read as an AWS answer (a proxy or endpoint in between?)`,
    );
  });

  it("treats a pipeline deleted during the sync as removed, not failed", async () => {
    const stored = storedAfter(await sync());
    pipelineNamed("api").stateError = awsError("PipelineNotFoundException", "The account with id '123456789012' does not include a pipeline with the name 'api'");
    const result = await sync({ stored });
    expect(result.failures).toEqual([]);
    expect(result.removedPipelines).toEqual(["api"]);
  });

  it("reports stored pipelines that no longer exist", async () => {
    const stored = storedAfter(await sync());
    world.pipelines = world.pipelines.filter((p) => p.name !== "batch");
    expect((await sync({ stored })).removedPipelines).toEqual(["batch"]);
  });
});

describe("resolveProdStage", () => {
  const stageNames = ["Source", "Staging", "Production", "Smoke"];

  it("prefers the catalog annotation, then the tag, then the stored value, then the last stage", () => {
    expect(resolveProdStage({ stageNames, annotation: "Production", tag: "Staging", stored: "Smoke" })).toEqual({ prodStage: "Production", source: "annotation" });
    expect(resolveProdStage({ stageNames, annotation: null, tag: "Staging", stored: "Smoke" })).toEqual({ prodStage: "Staging", source: "tag" });
    expect(resolveProdStage({ stageNames, annotation: null, tag: null, stored: "Production" })).toEqual({ prodStage: "Production", source: "stored" });
    expect(resolveProdStage({ stageNames, annotation: null, tag: null, stored: null })).toEqual({ prodStage: "Smoke", source: "last-stage" });
  });

  it("ignores names that are not stages", () => {
    expect(resolveProdStage({ stageNames, annotation: "Prod", tag: "Live", stored: null })).toEqual({ prodStage: "Smoke", source: "last-stage" });
    expect(resolveProdStage({ stageNames: [], annotation: "Prod", tag: null, stored: null })).toEqual({ prodStage: null, source: null });
  });
});

describe("isStateUnchanged", () => {
  const state = [{ name: "Production", latestExecution: { executionId: "e1", status: "Succeeded" as const, type: "STANDARD" as const }, inboundExecutionIds: [], actions: [] }];
  const stored = (executions: [string, "SUCCEEDED"][]): TStoredPipeline => ({ name: "web", arn: "arn", version: 1, structure: [], prodStage: null, state, executions: new Map(executions) });

  it("is true only when the stages match and their executions are stored", () => {
    expect(isStateUnchanged(state, stored([["e1", "SUCCEEDED"]]))).toBe(true);
    expect(isStateUnchanged(state, stored([]))).toBe(false);
    expect(isStateUnchanged([{ ...state[0]!, latestExecution: { executionId: "e1", status: "Failed", type: "STANDARD" } }], stored([["e1", "SUCCEEDED"]]))).toBe(false);
    expect(isStateUnchanged(state, undefined)).toBe(false);
  });
});
