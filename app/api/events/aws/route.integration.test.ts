import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/events/aws/route";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { closeDb, db } from "@/lib/db";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";

const REGION = "eu-west-1";
const STAGES = ["Source", "Build", "Production"] as const;
const ACTIONS = { Source: { name: "Source", category: "Source", provider: "CodeStarSourceConnection" }, Build: { name: "Build", category: "Build", provider: "CodeBuild" }, Production: { name: "Deploy", category: "Deploy", provider: "ECS" } } as const;
// Executions of the recorded sequence: a release that fails in production, the automatic rollback, then a fix that ships.
const FAILED = "0e6f1c9a-4d1b-4a51-9a5e-0c1d2e3f4a01";
const ROLLBACK = "0e6f1c9a-4d1b-4a51-9a5e-0c1d2e3f4a02";
const FIXED = "0e6f1c9a-4d1b-4a51-9a5e-0c1d2e3f4a03";
const SHA_FAILED = "4f2c0a1b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b";
const SHA_FIXED = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";
const FIXED_COMMITTED_AT = new Date("2026-11-02T09:12:00Z");

let accountId: string;
let service: Awaited<ReturnType<typeof makeService>>;
let token: string;

beforeAll(async () => {
  accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
  service = await makeService();
  ({ token } = await makeToken(["ingest"]));
  // The fix's commit was also reported by CI through the ingest API, with its commit time.
  const ci = await db.deployment.create({
    data: { serviceId: service.serviceId, environment: "staging", status: "SUCCEEDED", startedAt: new Date("2026-11-02T09:20:00Z"), source: "ci", externalId: uniqueSlug("ci") },
  });
  await db.change.create({ data: { deploymentId: ci.id, sha: SHA_FIXED, committedAt: FIXED_COMMITTED_AT } });
});
afterAll(closeDb);

type TEvent = Record<string, unknown> & { id: string };

/** Real-shaped EventBridge events (as documented, and as AWS sends them today), for one run with its own pipeline and event ids. */
function recordedSequence(run: string, pipeline: string): TEvent[] {
  const events: TEvent[] = [];
  const arn = `arn:aws:codepipeline:${REGION}:${accountId}:${pipeline}`;
  const at = (hhmmss: string) => `2026-11-02T${hhmmss}Z`;
  const emit = (detailType: string, time: string, detail: Record<string, unknown>) =>
    events.push({
      version: "0",
      id: `${run}-${String(events.length).padStart(3, "0")}`,
      "detail-type": `CodePipeline ${detailType} Execution State Change`,
      source: "aws.codepipeline",
      account: accountId,
      time: at(time),
      region: REGION,
      resources: [arn],
      detail: { pipeline, version: 3.0, "pipeline-execution-attempt": 1.0, ...detail },
    });
  const execution = (id: string, start: string) => ({ "execution-id": id, "start-time": `${at(start).slice(0, -1)}.512Z` });
  const stage = (id: string, start: string, name: string, state: string, time: string) => emit("Stage", time, { ...execution(id, start), stage: name, state });
  const action = (id: string, start: string, stageName: (typeof STAGES)[number], state: string, time: string, result?: Record<string, string>) =>
    emit("Action", time, {
      ...execution(id, start),
      stage: stageName,
      action: ACTIONS[stageName].name,
      "action-execution-id": randomUUID(),
      state,
      region: REGION,
      type: { owner: "AWS", category: ACTIONS[stageName].category, provider: ACTIONS[stageName].provider, version: "1" },
      ...(result ? { "execution-result": result } : {}),
    });
  const sourceResult = (sha: string, message: string) => ({
    "external-execution-url": `https://github.com/acme/web/commit/${sha}`,
    "external-execution-summary": JSON.stringify({ ProviderType: "GitHub", CommitMessage: message }),
    "external-execution-id": sha,
  });
  const trigger = { "trigger-type": "WebhookV2", "trigger-detail": "arn:aws:codeconnections:eu-west-1:123456789012:connection/7d8e" };

  // 1. A release that fails in production.
  emit("Pipeline", "10:00:00", { ...execution(FAILED, "10:00:00"), "execution-trigger": trigger, state: "STARTED" });
  stage(FAILED, "10:00:00", "Source", "STARTED", "10:00:00");
  action(FAILED, "10:00:00", "Source", "STARTED", "10:00:00");
  action(FAILED, "10:00:00", "Source", "SUCCEEDED", "10:00:02", sourceResult(SHA_FAILED, "Cache product pages"));
  stage(FAILED, "10:00:00", "Source", "SUCCEEDED", "10:00:02");
  stage(FAILED, "10:00:00", "Build", "STARTED", "10:00:03");
  action(FAILED, "10:00:00", "Build", "STARTED", "10:00:03");
  action(FAILED, "10:00:00", "Build", "SUCCEEDED", "10:04:10", { "external-execution-url": "https://console.aws.amazon.com/codebuild/home#/builds/web:1/view/new", "external-execution-id": "web:1" });
  stage(FAILED, "10:00:00", "Build", "SUCCEEDED", "10:04:10");
  stage(FAILED, "10:00:00", "Production", "STARTED", "10:04:11");
  action(FAILED, "10:00:00", "Production", "STARTED", "10:04:11");
  action(FAILED, "10:00:00", "Production", "FAILED", "10:09:40", {
    "external-execution-summary": "Deployment failed: ECS service web did not reach a steady state",
    "external-execution-id": "ecs-svc/1234",
    "error-code": "JobFailed",
  });
  stage(FAILED, "10:00:00", "Production", "FAILED", "10:09:40");
  emit("Pipeline", "10:09:40", { ...execution(FAILED, "10:00:00"), state: "FAILED" });
  // 2. CodePipeline rolls the production stage back to the last good execution.
  emit("Pipeline", "10:09:45", { ...execution(ROLLBACK, "10:09:45"), "execution-trigger": { "trigger-type": "AutomatedRollback", "trigger-detail": FAILED }, state: "STARTED" });
  stage(ROLLBACK, "10:09:45", "Production", "STARTED", "10:09:45");
  action(ROLLBACK, "10:09:45", "Production", "STARTED", "10:09:45");
  action(ROLLBACK, "10:09:45", "Production", "SUCCEEDED", "10:13:02");
  stage(ROLLBACK, "10:09:45", "Production", "SUCCEEDED", "10:13:02");
  emit("Pipeline", "10:13:02", { ...execution(ROLLBACK, "10:09:45"), state: "SUCCEEDED" });
  // 3. The fix ships.
  emit("Pipeline", "10:30:00", { ...execution(FIXED, "10:30:00"), "execution-trigger": trigger, state: "STARTED" });
  stage(FIXED, "10:30:00", "Source", "STARTED", "10:30:00");
  action(FIXED, "10:30:00", "Source", "STARTED", "10:30:00");
  action(FIXED, "10:30:00", "Source", "SUCCEEDED", "10:30:01", sourceResult(SHA_FIXED, "Fix cache key"));
  stage(FIXED, "10:30:00", "Source", "SUCCEEDED", "10:30:01");
  stage(FIXED, "10:30:00", "Build", "STARTED", "10:30:02");
  action(FIXED, "10:30:00", "Build", "STARTED", "10:30:02");
  action(FIXED, "10:30:00", "Build", "SUCCEEDED", "10:34:30");
  stage(FIXED, "10:30:00", "Build", "SUCCEEDED", "10:34:30");
  stage(FIXED, "10:30:00", "Production", "STARTED", "10:34:31");
  action(FIXED, "10:30:00", "Production", "STARTED", "10:34:31");
  action(FIXED, "10:30:00", "Production", "SUCCEEDED", "10:39:05");
  stage(FIXED, "10:30:00", "Production", "SUCCEEDED", "10:39:05");
  emit("Pipeline", "10:39:05", { ...execution(FIXED, "10:30:00"), state: "SUCCEEDED" });
  return events;
}

/** The pipeline as a sync would have left it: structure, production stage, service. */
async function registerPipeline(pipeline: string) {
  await db.pipeline.create({
    data: {
      awsAccount: { connect: { accountId } },
      region: REGION,
      name: pipeline,
      arn: `arn:aws:codepipeline:${REGION}:${accountId}:${pipeline}`,
      service: { connect: { id: service.serviceId } },
      version: 3,
      prodStage: "Production",
      structure: STAGES.map((name) => ({ name, actions: [{ name: ACTIONS[name].name, category: ACTIONS[name].category, provider: ACTIONS[name].provider, runOrder: 1 }] })),
      deploymentsBasis: `${service.serviceId}|Production`,
    },
  });
}

function post(body: unknown, authorization: string | null = `Bearer ${token}`, raw?: string) {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (authorization) headers.authorization = authorization;
  return POST(new Request("http://portside.test/api/events/aws", { method: "POST", headers, body: raw ?? JSON.stringify(body) }), { params: Promise.resolve({}) });
}

async function postEach(events: readonly TEvent[]) {
  const results: string[] = [];
  for (const event of events) {
    const response = await post(event);
    const body = (await response.json()) as { events: { result: string }[] };
    expect(response.status, JSON.stringify(body)).toBe(200);
    results.push(body.events[0]!.result);
  }
  return results;
}

/** Everything the events stored for a pipeline, with the run's own names replaced so that runs compare. */
async function storedState(run: string, pipeline: string) {
  const row = await db.pipeline.findFirstOrThrow({
    where: { name: pipeline },
    select: {
      state: true,
      stateClock: true,
      stateUpdatedAt: true,
      latestStatus: true,
      latestExecutionAt: true,
      executions: {
        orderBy: { executionId: "asc" },
        select: {
          executionId: true,
          status: true,
          executionType: true,
          trigger: true,
          sourceRevisions: true,
          stages: true,
          failureReason: true,
          failedAction: true,
          startedAt: true,
          lastUpdatedAt: true,
          rolledBackExecutionId: true,
          eventClock: true,
          deployment: {
            select: {
              status: true,
              environment: true,
              source: true,
              externalId: true,
              serviceId: true,
              startedAt: true,
              finishedAt: true,
              remediatedAt: true,
              version: true,
              url: true,
              changes: { orderBy: { sha: "asc" }, select: { sha: true, message: true, url: true, authoredAt: true, committedAt: true } },
            },
          },
        },
      },
    },
  });
  return JSON.parse(JSON.stringify(row).replaceAll(pipeline, "PIPELINE").replaceAll(run, "RUN")) as typeof row;
}

/** A seeded PRNG (mulberry32), so that a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("POST /api/events/aws", () => {
  let inOrder: Awaited<ReturnType<typeof storedState>>;

  it("applies a recorded sequence in order: the board state, the executions, the failure and the deployments", async () => {
    const run = uniqueSlug("ord");
    const pipeline = `web-${run}`;
    await registerPipeline(pipeline);
    const events = recordedSequence(run, pipeline);
    expect(new Set(await postEach(events))).toEqual(new Set(["applied"]));
    inOrder = await storedState(run, pipeline);

    expect(inOrder.latestStatus).toBe("SUCCEEDED");
    expect((inOrder.state as { name: string; latestExecution: { executionId: string; status: string } }[]).map((s) => [s.name, s.latestExecution.executionId, s.latestExecution.status])).toEqual([
      ["Source", FIXED, "Succeeded"],
      ["Build", FIXED, "Succeeded"],
      ["Production", FIXED, "Succeeded"],
    ]);
    const [failed, rollback, fixed] = inOrder.executions;
    expect(failed).toMatchObject({
      executionId: FAILED,
      status: "FAILED",
      executionType: "STANDARD",
      failedAction: "Production.Deploy",
      failureReason: "Deployment failed: ECS service web did not reach a steady state",
      trigger: { triggerType: "WebhookV2" },
      sourceRevisions: [{ actionName: "Source", revisionId: SHA_FAILED }],
      // From detail["start-time"], to the millisecond.
      startedAt: "2026-11-02T10:00:00.512Z",
      rolledBackExecutionId: null,
    });
    expect((failed!.stages as { name: string; status: string }[]).map((s) => [s.name, s.status])).toEqual([
      ["Source", "Succeeded"],
      ["Build", "Succeeded"],
      ["Production", "Failed"],
    ]);
    expect(rollback).toMatchObject({ executionId: ROLLBACK, status: "SUCCEEDED", executionType: "ROLLBACK", rolledBackExecutionId: FAILED, deployment: null });
    expect(fixed).toMatchObject({ executionId: FIXED, status: "SUCCEEDED", failedAction: null });

    // The failed release, rolled back: a failure for change fail rate, remediated when the rollback's production stage finished.
    expect(failed!.deployment).toMatchObject({
      status: "ROLLED_BACK",
      environment: "production",
      source: "codepipeline",
      externalId: `arn:aws:codepipeline:${REGION}:${accountId}:PIPELINE/${FAILED}`,
      serviceId: service.serviceId,
      startedAt: "2026-11-02T10:04:11.000Z",
      finishedAt: "2026-11-02T10:09:40.000Z",
      remediatedAt: "2026-11-02T10:13:02.000Z",
      version: SHA_FAILED.slice(0, 7),
      changes: [{ sha: SHA_FAILED, message: "Cache product pages", committedAt: null, authoredAt: null }],
    });
    expect(fixed!.deployment).toMatchObject({
      status: "SUCCEEDED",
      startedAt: "2026-11-02T10:34:31.000Z",
      finishedAt: "2026-11-02T10:39:05.000Z",
      remediatedAt: null,
      // The commit time CI reported through the ingest API; CodePipeline has none.
      changes: [{ sha: SHA_FIXED, message: "Fix cache key", committedAt: FIXED_COMMITTED_AT.toISOString() }],
    });
  });

  it.each([1, 2, 3, 4, 5])("stores the same state when every event arrives twice, shuffled (seed %i)", async (seed) => {
    expect(inOrder, "runs after the in-order test").toBeDefined();
    const run = uniqueSlug(`s${seed}`);
    const pipeline = `web-${run}`;
    await registerPipeline(pipeline);
    const events = recordedSequence(run, pipeline);
    const results = await postEach(shuffled([...events, ...events], seed));
    expect(results.filter((r) => r === "applied")).toHaveLength(events.length);
    expect(results.filter((r) => r === "duplicate")).toHaveLength(events.length);
    expect(await storedState(run, pipeline)).toEqual(inOrder);
  });

  it("answers a replay with 200 and changes nothing", async () => {
    const run = uniqueSlug("rep");
    const pipeline = `web-${run}`;
    await registerPipeline(pipeline);
    const events = recordedSequence(run, pipeline);
    await postEach(events);
    const before = await storedState(run, pipeline);
    const counts = async () => [await db.pipelineExecution.count({ where: { pipeline: { name: pipeline } } }), await db.deployment.count({ where: { externalId: { contains: pipeline } } }), await db.change.count({ where: { deployment: { externalId: { contains: pipeline } } } })];
    const rowsBefore = await counts();
    const response = await post(events);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ applied: 0, duplicates: events.length, ignored: 0 });
    expect(await counts()).toEqual(rowsBefore);
    expect(await storedState(run, pipeline)).toEqual(before);
  });

  it("records a pipeline it has not seen yet when its account is registered, and audits it", async () => {
    const pipeline = uniqueSlug("new");
    const [started] = recordedSequence(uniqueSlug("n"), pipeline);
    const auditBefore = await db.auditEvent.count({ where: { action: "pipeline.event" } });
    const response = await post(started);
    expect(await response.json()).toMatchObject({ applied: 1 });
    const row = await db.pipeline.findFirstOrThrow({ where: { name: pipeline }, select: { arn: true, latestStatus: true, prodStage: true, executions: { select: { status: true } } } });
    expect(row).toEqual({ arn: `arn:aws:codepipeline:${REGION}:${accountId}:${pipeline}`, latestStatus: "IN_PROGRESS", prodStage: null, executions: [{ status: "IN_PROGRESS" }] });
    expect(await db.auditEvent.count({ where: { action: "pipeline.event" } })).toBe(auditBefore + 1);
  });

  it("accepts and ignores other sources, unregistered accounts and states it does not know", async () => {
    const [started] = recordedSequence(uniqueSlug("ign"), uniqueSlug("ign"));
    // CloudWatch alarm state changes are applied (lib/alarms); other sources are not.
    const alarm = {
      version: "0",
      id: randomUUID(),
      "detail-type": "ECS Task State Change",
      source: "aws.ecs",
      account: accountId,
      time: "2026-11-02T10:00:00Z",
      region: REGION,
      resources: [`arn:aws:ecs:${REGION}:${accountId}:task/prod/0123456789abcdef`],
      detail: { lastStatus: "STOPPED" },
    };
    const stranger = { ...started!, id: randomUUID(), account: "999999999999" };
    const future = { ...started!, id: randomUUID(), detail: { ...(started!.detail as object), state: "PAUSED" } };
    const response = await post([alarm, stranger, future]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ignored: number; events: { result: string; reason: string }[] };
    expect(body.ignored).toBe(3);
    expect(body.events.map((e) => e.reason)).toEqual([
      "source aws.ecs is not applied here",
      "account 999999999999 is not registered in Portside",
      expect.stringMatching(/state PAUSED .* is not known/),
    ]);
    expect(await db.pipeline.count({ where: { name: (started!.detail as { pipeline: string }).pipeline } })).toBe(0);
  });

  it("refuses bad JSON and events that lack documented fields, naming each problem, and applies nothing", async () => {
    const notJson = await post(null, undefined, "{ not json");
    expect(notJson.status).toBe(400);
    const [started] = recordedSequence(uniqueSlug("bad"), uniqueSlug("bad"));
    const detail = { ...(started!.detail as Record<string, unknown>) };
    delete detail["execution-id"];
    const response = await post([{ ...started, detail }, { ...started, id: randomUUID(), time: "yesterday" }]);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { issues: { path: string }[] } } };
    expect(body.error.details.issues.map((i) => i.path)).toEqual(["1.time"]);
    const single = await post({ ...started, detail });
    expect(((await single.json()) as typeof body).error.details.issues.map((i) => i.path)).toEqual(["detail.execution-id"]);
    expect(await db.eventReceipt.count({ where: { eventId: started!.id } })).toBe(0);
  });

  it("refuses a body over 16 MiB with 413", async () => {
    const response = await post(null, undefined, JSON.stringify({ padding: "x".repeat(17 * 1024 * 1024) }));
    expect(response.status).toBe(413);
  });

  it("answers 401 without a valid token and 403 for a token without the ingest scope or bound to a team", async () => {
    const [started] = recordedSequence(uniqueSlug("auth"), uniqueSlug("auth"));
    expect((await post(started, null)).status).toBe(401);
    expect((await post(started, "Bearer psk_not-a-real-token")).status).toBe(401);
    const read = await makeToken(["read"]);
    expect((await post(started, `Bearer ${read.token}`)).status).toBe(403);
    const teamToken = await createApiToken({ name: uniqueSlug("team"), scopes: ["ingest"], teamId: service.teamId, actor: { system: "test" } });
    expect((await post(started, `Bearer ${teamToken.token}`)).status).toBe(403);
    expect(await db.eventReceipt.count({ where: { eventId: started!.id } })).toBe(0);
  });
});
