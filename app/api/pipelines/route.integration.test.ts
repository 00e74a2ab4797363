import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getBoard } from "@/app/api/pipelines/route";
import { GET as getOne } from "@/app/api/pipelines/[id]/route";
import { closeDb, db } from "@/lib/db";
import type { TBoardPage } from "@/lib/pipelines/board";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

let cookie: string;
let teamSlug: string;
let accountId: string;
const ids: Record<string, number> = {};

const STAGES = ["Source", "Build", "Production"];
function state(executionId: string, statuses: string[]) {
  return STAGES.map((name, i) => ({ name, latestExecution: statuses[i] ? { executionId, status: statuses[i], type: "STANDARD" } : null, inboundExecutionIds: [], actions: [] }));
}

beforeAll(async () => {
  const { teamId, serviceId } = await makeService();
  teamSlug = (await db.team.findUniqueOrThrow({ where: { id: teamId } })).slug;
  accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: ["eu-west-1", "us-east-1"] } });
  const structure = STAGES.map((name) => ({ name, actions: [{ name: `${name}Action`, category: name === "Source" ? "Source" : "Deploy", provider: "X", runOrder: 1 }] }));
  const make = async (name: string, region: string, latestStatus: "FAILED" | "SUCCEEDED" | "IN_PROGRESS", statuses: string[]) => {
    const executionId = `${name}-exec`;
    const p = await db.pipeline.create({
      data: { awsAccountId: account.id, region, name: `${name}-${accountId}`, arn: `arn:aws:codepipeline:${region}:${accountId}:${name}`, serviceId, structure, state: state(executionId, statuses), latestStatus, prodStage: "Production", stateUpdatedAt: new Date() },
    });
    await db.pipelineExecution.create({
      data: {
        pipelineId: p.id,
        executionId,
        status: latestStatus,
        startedAt: new Date(Date.now() - 600_000),
        lastUpdatedAt: new Date(Date.now() - 60_000),
        failureReason: latestStatus === "FAILED" ? "Health checks failed" : null,
        failedAction: latestStatus === "FAILED" ? "Production.ProductionAction" : null,
        sourceRevisions: [{ actionName: "Source", revisionId: "abcdef1234567", revisionUrl: null, revisionSummary: "Fix it" }],
      },
    });
    ids[name] = p.id;
  };
  await make("alpha", "eu-west-1", "SUCCEEDED", ["Succeeded", "Succeeded", "Succeeded"]);
  await make("bravo", "eu-west-1", "FAILED", ["Succeeded", "Succeeded", "Failed"]);
  await make("charlie", "us-east-1", "IN_PROGRESS", ["Succeeded", "InProgress", null as unknown as string]);
  cookie = await sessionCookie((await makeUser("VIEWER")).email);
});

afterAll(closeDb);

async function board(query: string, headers: Record<string, string> = { cookie }) {
  const response = await getBoard(new Request(`${TEST_ORIGIN}/api/pipelines?${query}`, { headers }), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as TBoardPage & { error?: { message: string } } };
}

describe("GET /api/pipelines", () => {
  it("lists failures first, then running, then the rest, with stages, the latest execution and counts", async () => {
    const { status, body } = await board(`account=${accountId}`);
    expect(status).toBe(200);
    expect(body.pipelines.map((p) => p.name.split("-")[0])).toEqual(["bravo", "charlie", "alpha"]);
    expect(body.counts).toEqual({ failed: 1, in_progress: 1, succeeded: 1, other: 0 });
    const bravo = body.pipelines[0]!;
    expect(bravo.stages).toEqual([
      { name: "Source", status: "Succeeded", executionId: "bravo-exec", isProduction: false },
      { name: "Build", status: "Succeeded", executionId: "bravo-exec", isProduction: false },
      { name: "Production", status: "Failed", executionId: "bravo-exec", isProduction: true },
    ]);
    expect(bravo.latest).toMatchObject({ failureReason: "Health checks failed", failedAction: "Production.ProductionAction", durationMs: 540_000, commit: { revisionId: "abcdef1234567" } });
    expect(bravo.team?.slug).toBe(teamSlug);
    expect(bravo.consoleUrl).toContain("eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/");
    expect(body.dataAsOf).not.toBeNull();
  });

  it("filters by status, region, team and text, keeping the counts over the other filters", async () => {
    const failed = (await board(`account=${accountId}&status=failed`)).body;
    expect(failed.pipelines.map((p) => p.id)).toEqual([ids.bravo]);
    expect(failed.total).toBe(1);
    expect(failed.counts.succeeded).toBe(1);
    expect((await board(`account=${accountId}&region=us-east-1`)).body.pipelines.map((p) => p.id)).toEqual([ids.charlie]);
    expect((await board(`team=${teamSlug}&q=alpha`)).body.pipelines.map((p) => p.id)).toEqual([ids.alpha]);
    expect((await board(`team=no-such-team`)).body.total).toBe(0);
  });

  it("explains a bad filter, and needs a session or a read token", async () => {
    const bad = await board("status=exploded&account=12");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/status/);
    expect(JSON.stringify(bad.body)).toMatch(/account/);
    expect((await board("", {})).status).toBe(401);
    expect((await board(`account=${accountId}`, { authorization: `Bearer ${(await makeToken(["read"])).token}` })).status).toBe(200);
    expect((await board("", { authorization: `Bearer ${(await makeToken(["ingest"])).token}` })).status).toBe(403);
  });
});

describe("GET /api/pipelines/{id}", () => {
  it("returns the pipeline with its executions, and 404 for an unknown one", async () => {
    const ok = await getOne(new Request(`${TEST_ORIGIN}/api/pipelines/${ids.bravo}`, { headers: { cookie } }), { params: Promise.resolve({ id: String(ids.bravo) }) });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { executions: { executionId: string }[]; recent: { successRate: number } };
    expect(body.executions.map((e) => e.executionId)).toEqual(["bravo-exec"]);
    expect(body.recent.successRate).toBe(0);
    const missing = await getOne(new Request(`${TEST_ORIGIN}/api/pipelines/99999999`, { headers: { cookie } }), { params: Promise.resolve({ id: "99999999" }) });
    expect(missing.status).toBe(404);
  });
});
