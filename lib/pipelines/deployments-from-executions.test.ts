import type { ActionExecutionDetail, PipelineExecutionSummary } from "@aws-sdk/client-codepipeline";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { DeploymentStatus, ExecutionStatus } from "@/lib/generated/prisma/enums";
import { stagesFromActionExecutions, toExecutionRecord } from "@/lib/pipelines/collect/codepipeline";
import { actionExecution, at, executionSummary, sha } from "@/lib/testing/aws/fake-codepipeline";
import type { TExecutionRecord, TExecutionStatus } from "@/lib/pipelines/collect/types";
import {
  changesFromExecution,
  commitMessage,
  decideDeployment,
  findRolledBackExecution,
  type TDeploymentDecision,
} from "@/lib/pipelines/deployments-from-executions";

const PROD = "Production";

/** The record the collector builds: the summary, plus the stages when it fetched them. */
function record(summary: PipelineExecutionSummary, actions?: ActionExecutionDetail[]): TExecutionRecord {
  const base = toExecutionRecord(summary);
  if (!base) throw new Error("summary not storable");
  return actions ? { ...base, ...stagesFromActionExecutions(actions) } : base;
}

const sourceToProd = (id: string, prodStatus: "Succeeded" | "Failed", start = 0): ActionExecutionDetail[] => [
  actionExecution(id, "Source", "Source", "Succeeded", start),
  actionExecution(id, "Build", "Build", "Succeeded", start + 5),
  actionExecution(id, PROD, "DeployProduction", prodStatus, start + 10, prodStatus === "Failed" ? "ECS service did not stabilize" : undefined),
];

describe("decideDeployment", () => {
  it("stays aligned with the Prisma enums", () => {
    expectTypeOf<TExecutionStatus>().toEqualTypeOf<ExecutionStatus>();
    expectTypeOf<Extract<TDeploymentDecision, { kind: "deployment" }>["status"]>().toExtend<DeploymentStatus>();
  });

  it("makes a succeeded execution a succeeded production deployment, from the summary alone", () => {
    const decision = decideDeployment(PROD, record(executionSummary("e1", "Succeeded", 0)));
    expect(decision).toEqual({
      kind: "deployment",
      status: "SUCCEEDED",
      startedAt: at(0),
      finishedAt: at(20),
      version: sha(0),
      changes: [{ sha: sha(0), message: "change e1", url: `https://github.com/acme/web/commit/${sha(0)}`, authoredAt: null, committedAt: null }],
    });
  });

  it("makes an execution that failed in the production stage a failed deployment, timed by that stage", () => {
    const execution = record(executionSummary("e2", "Failed", 0), sourceToProd("e2", "Failed"));
    expect(execution).toMatchObject({ failedAction: "Production.DeployProduction", failureReason: "ECS service did not stabilize" });
    expect(decideDeployment(PROD, execution)).toMatchObject({ kind: "deployment", status: "FAILED", startedAt: at(10), finishedAt: at(13) });
  });

  it("does not count an execution that failed before production", () => {
    const actions = [actionExecution("e3", "Source", "Source", "Succeeded", 0), actionExecution("e3", "Build", "Build", "Failed", 5, "tests failed")];
    expect(decideDeployment(PROD, record(executionSummary("e3", "Failed", 0), actions))).toEqual({ kind: "none", reason: "not-in-production" });
  });

  it("counts production as deployed when a later stage failed", () => {
    const actions = [...sourceToProd("e4", "Succeeded"), actionExecution("e4", "SmokeTest", "Smoke", "Failed", 20, "smoke failed")];
    expect(decideDeployment(PROD, record(executionSummary("e4", "Failed", 0), actions))).toMatchObject({ kind: "deployment", status: "SUCCEEDED" });
  });

  it("cannot decide a failed execution without its stages", () => {
    expect(decideDeployment(PROD, record(executionSummary("e5", "Failed", 0)))).toEqual({ kind: "none", reason: "stages-unknown" });
  });

  it("counts the latest run of a retried stage", () => {
    const actions = [
      ...sourceToProd("e6", "Failed"),
      actionExecution("e6", PROD, "DeployProduction", "Succeeded", 40),
    ];
    const execution = record(executionSummary("e6", "Succeeded", 0), actions);
    expect(execution.stages?.find((s) => s.name === PROD)?.status).toBe("Succeeded");
    expect(decideDeployment(PROD, execution)).toMatchObject({ kind: "deployment", status: "SUCCEEDED", finishedAt: at(43) });
  });

  it.each([
    ["Superseded", "superseded"],
    ["Stopped", "stopped"],
    ["Stopping", "in-progress"],
    ["Cancelled", "cancelled"],
    ["InProgress", "in-progress"],
  ] as const)("does not count a %s execution", (status, reason) => {
    expect(decideDeployment(PROD, record(executionSummary("e7", status, 0)))).toEqual({ kind: "none", reason });
  });
});

describe("rollbacks", () => {
  const rollback = (status: "Succeeded" | "Failed" | "InProgress", stage = PROD) =>
    record(
      executionSummary("rb", status, 100, {
        executionType: "ROLLBACK",
        rollbackMetadata: { rollbackTargetPipelineExecutionId: "good" },
        trigger: { triggerType: "AutomatedRollback", triggerDetail: "bad" },
      }),
      [actionExecution("rb", stage, "DeployProduction", status === "InProgress" ? "InProgress" : status, 101)],
    );

  it("reads the rollback target from rollbackMetadata", () => {
    expect(rollback("Succeeded")).toMatchObject({ executionType: "ROLLBACK", rollbackTargetExecutionId: "good" });
  });

  it("turns a succeeded production rollback into a remediation, not a deployment", () => {
    expect(decideDeployment(PROD, rollback("Succeeded"))).toEqual({ kind: "rollback", rollbackTargetExecutionId: "good", remediatedAt: at(104) });
  });

  it("remediates nothing when the rollback failed, is running, or rolled back another stage", () => {
    expect(decideDeployment(PROD, rollback("Failed"))).toEqual({ kind: "none", reason: "rollback-failed" });
    expect(decideDeployment(PROD, rollback("InProgress"))).toEqual({ kind: "none", reason: "in-progress" });
    expect(decideDeployment(PROD, rollback("Succeeded", "Staging"))).toEqual({ kind: "none", reason: "rollback-of-other-stage" });
  });

  it("attributes the rollback to the deployment in production when it started, never to its target", () => {
    const candidates = [
      { executionId: "older", reachedProductionAt: at(10) },
      { executionId: "good", reachedProductionAt: at(50) },
      { executionId: "bad", reachedProductionAt: at(90) },
      { executionId: "later", reachedProductionAt: at(120) },
    ];
    expect(findRolledBackExecution({ executionId: "rb", startedAt: at(100), rollbackTargetExecutionId: "good" }, candidates)).toBe("bad");
    expect(findRolledBackExecution({ executionId: "rb", startedAt: at(100), rollbackTargetExecutionId: "bad" }, candidates.slice(0, 3))).toBe("good");
    expect(findRolledBackExecution({ executionId: "rb", startedAt: at(5), rollbackTargetExecutionId: "good" }, candidates)).toBeNull();
  });
});

describe("changes", () => {
  it("keeps commits only, once each, lower-cased, and never invents commit times", () => {
    const execution = record(
      executionSummary("e8", "Succeeded", 0, {
        sourceRevisions: [
          { actionName: "App", revisionId: "ABCDEF1234567", revisionSummary: "Fix login", revisionUrl: "https://git/abcdef1" },
          { actionName: "Config", revisionId: "abcdef1234567", revisionSummary: "same commit", revisionUrl: undefined },
          { actionName: "Artifact", revisionId: "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", revisionSummary: "s3 version", revisionUrl: undefined },
          { actionName: "Image", revisionId: "sha256:0f1e2d", revisionSummary: undefined, revisionUrl: undefined },
        ],
      }),
    );
    expect(changesFromExecution(execution)).toEqual([
      { sha: "abcdef1234567", message: "Fix login", url: "https://git/abcdef1", authoredAt: null, committedAt: null },
    ]);
  });

  it("reads the commit message out of a connection's JSON summary", () => {
    expect(commitMessage('{"ProviderType":"GitHub","CommitMessage":"Add retries"}')).toBe("Add retries");
    expect(commitMessage("{not json} but a message")).toBe("{not json} but a message");
    expect(commitMessage(null)).toBeNull();
  });
});
