import { describe, expect, it } from "vitest";
import type { TExecutionStage } from "@/lib/pipelines/collect/types";
import { decide, deploymentExternalId, executionConsoleUrl, recordForDecision, shortVersion } from "@/lib/pipelines/server/deployment-rows";
import type { TExecutionSnapshot } from "@/lib/pipelines/server/merge";

const stage = (name: string, status: TExecutionStage["status"]): TExecutionStage => ({
  name,
  status,
  startedAt: "2026-11-02T10:05:00.000Z",
  lastUpdatedAt: "2026-11-02T10:09:00.000Z",
  actions: [],
});

const execution = (status: TExecutionSnapshot["status"], stages: TExecutionStage[]): TExecutionSnapshot => ({
  executionId: "e1",
  status,
  executionType: "STANDARD",
  rollbackOf: null,
  trigger: null,
  sourceRevisions: [{ actionName: "Source", revisionId: "4f2c0a1b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", revisionSummary: "Fix", revisionUrl: null }],
  stages,
  failureReason: null,
  failedAction: null,
  startedAt: new Date("2026-11-02T10:00:00Z"),
  lastUpdatedAt: new Date("2026-11-02T10:10:00Z"),
  clock: {},
});

const pipeline = { id: 1, arn: "arn:aws:codepipeline:eu-west-1:123456789012:web", name: "web", region: "eu-west-1", serviceId: 7, prodStage: "Production" };

describe("recordForDecision", () => {
  it("treats stages that show no production stage of a succeeded execution as unknown (events may not have arrived)", () => {
    expect(recordForDecision(execution("SUCCEEDED", [stage("Source", "Succeeded")]), "Production").stages).toBeNull();
    expect(decide(execution("SUCCEEDED", [stage("Source", "Succeeded")]), pipeline)).toMatchObject({ kind: "deployment", status: "SUCCEEDED", startedAt: new Date("2026-11-02T10:00:00Z") });
    expect(decide(execution("SUCCEEDED", [stage("Source", "Succeeded"), stage("Production", "Succeeded")]), pipeline)).toMatchObject({ startedAt: new Date("2026-11-02T10:05:00Z") });
  });

  it("decides a failure by the stages, and nothing without a production stage configured", () => {
    expect(decide(execution("FAILED", []), pipeline)).toEqual({ kind: "none", reason: "stages-unknown" });
    expect(decide(execution("FAILED", [stage("Production", "Failed")]), pipeline)).toMatchObject({ kind: "deployment", status: "FAILED" });
    expect(decide(execution("FAILED", [stage("Build", "Failed")]), pipeline)).toEqual({ kind: "none", reason: "not-in-production" });
    expect(decide(execution("SUCCEEDED", []), { ...pipeline, prodStage: null })).toMatchObject({ kind: "none" });
  });
});

describe("deployment fields", () => {
  it("shortens a commit id as Git does and leaves other revisions alone", () => {
    expect(shortVersion("4F2C0A1B9E8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B")).toBe("4f2c0a1");
    expect(shortVersion("3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo")).toBe("3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo");
    expect(shortVersion(null)).toBeNull();
  });

  it("links the execution in the console of its partition, and keys it by pipeline ARN and execution id", () => {
    expect(executionConsoleUrl(pipeline, "e1")).toBe("https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/web/executions/e1/timeline?region=eu-west-1");
    expect(executionConsoleUrl({ name: "web", region: "cn-north-1" }, "e1")).toMatch(/^https:\/\/console\.amazonaws\.cn\//);
    expect(deploymentExternalId(pipeline.arn, "e1")).toBe("arn:aws:codepipeline:eu-west-1:123456789012:web/e1");
  });
});
