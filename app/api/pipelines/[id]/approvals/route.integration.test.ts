import { CodePipelineClient, CodePipelineServiceException, GetPipelineStateCommand, PutApprovalResultCommand } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST } from "@/app/api/pipelines/[id]/approvals/route";
import { closeDb, db } from "@/lib/db";
import type { TStageState } from "@/lib/pipelines/collect/types";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

const codepipeline = mockClient(CodePipelineClient);
let cookie: string;
let teamId: number;
let serviceId: number;

const waiting = {
  pipelineName: "p",
  stageStates: [
    { stageName: "Production", latestExecution: { pipelineExecutionId: "exec-7", status: "InProgress" as const }, actionStates: [{ actionName: "Approve", latestExecution: { status: "InProgress" as const, token: "tok-7" } }, { actionName: "Deploy" }] },
  ],
};

async function pipeline(): Promise<number> {
  const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("a"), regions: ["eu-west-1"] } });
  const row = await db.pipeline.create({
    data: {
      awsAccountId: account.id,
      region: "eu-west-1",
      name: uniqueSlug("release"),
      arn: `arn:aws:codepipeline:eu-west-1:${accountId}:x`,
      serviceId,
      structure: [{ name: "Production", actions: [{ name: "Approve", category: "Approval", provider: "Manual", runOrder: 1 }, { name: "Deploy", category: "Deploy", provider: "ECS", runOrder: 2 }] }],
      state: [{ name: "Production", latestExecution: { executionId: "exec-7", status: "InProgress", type: "STANDARD" }, inboundExecutionIds: [], actions: [{ name: "Approve", status: "InProgress", lastStatusChange: null, summary: null, errorMessage: null, externalUrl: null, revisionId: null }] }],
    },
  });
  return row.id;
}

function answer(id: number, body: unknown) {
  return POST(
    new Request(`${TEST_ORIGIN}/api/pipelines/${id}/approvals`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: TEST_ORIGIN }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id: String(id) }) },
  );
}

beforeAll(async () => {
  ({ teamId, serviceId } = await makeService());
  cookie = await sessionCookie((await makeUser("VIEWER", [{ teamId, role: "APPROVER" }])).email);
});
beforeEach(() => codepipeline.reset());
afterAll(closeDb);

describe("POST /api/pipelines/{id}/approvals", () => {
  it("rejects with the current token and the comment, shows the answer at once and audits it", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(waiting);
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
    const id = await pipeline();
    const response = await answer(id, { stage: "Production", action: "Approve", decision: "Rejected", comment: "Error budget is spent" });
    expect(response.status).toBe(200);
    expect(codepipeline.commandCalls(PutApprovalResultCommand)[0]!.args[0].input).toEqual({
      pipelineName: (await db.pipeline.findUniqueOrThrow({ where: { id } })).name,
      stageName: "Production",
      actionName: "Approve",
      result: { status: "Rejected", summary: "Error budget is spent" },
      token: "tok-7",
    });
    const state = (await db.pipeline.findUniqueOrThrow({ where: { id } })).state as unknown as TStageState[];
    expect(state[0]!.actions[0]).toMatchObject({ status: "Failed", summary: "Error budget is spent" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Pipeline", entityId: String(id) } });
    expect(audit).toMatchObject({ action: "pipeline.approval", actorType: "USER", after: { decision: "Rejected", executionId: "exec-7" } });
  });

  it("says 409 when the approval is no longer waiting, and changes nothing", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves({ stageStates: [{ stageName: "Production", actionStates: [{ actionName: "Approve", latestExecution: { status: "Succeeded" } }] }] });
    const id = await pipeline();
    const response = await answer(id, { stage: "Production", action: "Approve", decision: "Approved", comment: "ok" });
    expect(response.status).toBe(409);
    expect(codepipeline.commandCalls(PutApprovalResultCommand)).toHaveLength(0);
    expect(await db.auditEvent.count({ where: { entityType: "Pipeline", entityId: String(id) } })).toBe(0);
  });

  it("refuses an action that is not a manual approval, or no comment, before calling AWS", async () => {
    const id = await pipeline();
    expect((await answer(id, { stage: "Production", action: "Deploy", decision: "Approved", comment: "ok" })).status).toBe(400);
    const blank = await answer(id, { stage: "Production", action: "Approve", decision: "Approved", comment: " " });
    expect(blank.status).toBe(400);
    expect(JSON.stringify(await blank.json())).toContain("comment");
    expect(codepipeline.calls()).toHaveLength(0);
  });

  it("reports AWS refusing (no permission) as 502 with AWS's reason", async () => {
    codepipeline.on(GetPipelineStateCommand).resolves(waiting);
    codepipeline.on(PutApprovalResultCommand).rejects(new CodePipelineServiceException({ name: "AccessDeniedException", $fault: "client", $metadata: {}, message: "not authorized to perform: codepipeline:PutApprovalResult" }));
    const id = await pipeline();
    const response = await answer(id, { stage: "Production", action: "Approve", decision: "Approved", comment: "ship it" });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("PutApprovalResult");
  });
});
