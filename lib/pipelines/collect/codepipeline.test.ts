import {
  CodePipelineClient,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
  type GetPipelineStateOutput,
} from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import {
  getExecutionStages,
  listAllPipelines,
  listNewExecutions,
  toStageStates,
} from "@/lib/pipelines/collect/codepipeline";
import { actionExecution, executionSummary, serveFakeCodePipeline, type TFakeWorld } from "@/lib/testing/aws/fake-codepipeline";
import type { TExecutionStatus } from "@/lib/pipelines/collect/types";

const cp = mockClient(CodePipelineClient);
const client = new CodePipelineClient({ region: "eu-west-1" });

beforeEach(() => cp.reset());

const executions = (count: number) =>
  Array.from({ length: count }, (_, i) => executionSummary(`e${count - i}`, "Succeeded", (count - i) * 30));

describe("listAllPipelines", () => {
  it("follows nextToken through every page", async () => {
    const names = ["a", "b", "c", "d", "e"];
    const world: TFakeWorld = { pipelinesPerPage: 2, pipelines: names.map((name) => ({ name, version: 1, stages: ["Source"], executions: [] })) };
    serveFakeCodePipeline(cp, world);
    expect((await listAllPipelines(client)).map((p) => p.name)).toEqual(names);
    expect(cp.commandCalls(ListPipelinesCommand)).toHaveLength(3);
    expect(world.sent?.map((s) => s.input)).toEqual([
      { maxResults: 1000 },
      { maxResults: 1000, nextToken: "2" },
      { maxResults: 1000, nextToken: "4" },
    ]);
  });
});

describe("listNewExecutions", () => {
  const world = (count: number): TFakeWorld => ({
    executionsPerPage: 60,
    pipelines: [{ name: "web", version: 1, stages: ["Source", "Production"], executions: executions(count) }],
  });

  it("reads every page on a first sync, up to the cap", async () => {
    const fake = world(150);
    serveFakeCodePipeline(cp, fake);
    const { executions: found, newest } = await listNewExecutions(client, { pipelineName: "web", known: new Map(), max: 100 });
    expect(found).toHaveLength(100);
    expect(found[0]?.executionId).toBe("e150");
    expect(newest?.executionId).toBe("e150");
    expect(cp.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(2);
    expect(fake.sent?.map((s) => s.input.nextToken)).toEqual([undefined, "60"]);
  });

  it("reads the whole history when it is shorter than the cap", async () => {
    serveFakeCodePipeline(cp, world(90));
    const { executions: found } = await listNewExecutions(client, { pipelineName: "web", known: new Map(), max: 100 });
    expect(found).toHaveLength(90);
    expect(cp.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(2);
  });

  it("stops at the newest stored execution", async () => {
    serveFakeCodePipeline(cp, world(150));
    const known = new Map<string, TExecutionStatus>([["e147", "SUCCEEDED"], ["e146", "SUCCEEDED"]]);
    const { executions: found } = await listNewExecutions(client, { pipelineName: "web", known, max: 1000 });
    expect(found.map((e) => e.executionId)).toEqual(["e150", "e149", "e148"]);
    expect(cp.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(1);
  });

  it("keeps going past settled executions until every stored running one is seen again", async () => {
    serveFakeCodePipeline(cp, world(150));
    const known = new Map<string, TExecutionStatus>([["e150", "SUCCEEDED"], ["e95", "IN_PROGRESS"], ["e94", "SUCCEEDED"]]);
    const { executions: found } = await listNewExecutions(client, { pipelineName: "web", known, max: 1000 });
    // e95 has finished since; e149…e96 were never stored (a gap), e150 is settled.
    expect(found.at(-1)).toMatchObject({ executionId: "e95", status: "SUCCEEDED" });
    expect(found).toHaveLength(150 - 95);
    expect(cp.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(1);
  });
});

describe("getExecutionStages", () => {
  it("asks for one execution's actions and reports the failed action", async () => {
    serveFakeCodePipeline(cp, {
      pipelines: [
        {
          name: "web",
          version: 1,
          stages: ["Source", "Production"],
          executions: [],
          actions: {
            e1: [actionExecution("e1", "Source", "Source", "Succeeded", 0), actionExecution("e1", "Production", "Deploy", "Failed", 5, "Health checks failed")],
            e0: [actionExecution("e0", "Source", "Source", "Succeeded", 0)],
          },
        },
      ],
    });
    const result = await getExecutionStages(client, { pipelineName: "web", executionId: "e1" });
    expect(cp.commandCalls(ListActionExecutionsCommand)[0]?.args[0].input).toEqual({
      pipelineName: "web",
      filter: { pipelineExecutionId: "e1" },
      maxResults: 100,
    });
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ["Source", "Succeeded"],
      ["Production", "Failed"],
    ]);
    expect(result).toMatchObject({ failedAction: "Production.Deploy", failureReason: "Health checks failed" });
  });
});

describe("toStageStates", () => {
  it("keeps the latest execution per stage and the executions waiting to enter it", () => {
    const output: GetPipelineStateOutput = {
      pipelineName: "web",
      stageStates: [
        {
          stageName: "Production",
          inboundExecution: { pipelineExecutionId: "e9", status: "InProgress" },
          inboundExecutions: [{ pipelineExecutionId: "e9", status: "InProgress" }, { pipelineExecutionId: "e10", status: "InProgress" }],
          latestExecution: { pipelineExecutionId: "e8", status: "Failed", type: "STANDARD" },
          actionStates: [{ actionName: "Deploy", latestExecution: { status: "Failed", errorDetails: { code: "x", message: "boom" } } }],
        },
      ],
    };
    expect(toStageStates(output)).toEqual([
      {
        name: "Production",
        latestExecution: { executionId: "e8", status: "Failed", type: "STANDARD" },
        inboundExecutionIds: ["e9", "e10"],
        actions: [{ name: "Deploy", status: "Failed", lastStatusChange: null, summary: null, errorMessage: "boom", externalUrl: null, revisionId: null }],
      },
    ]);
  });
});
