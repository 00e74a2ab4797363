/**
 * Every route's real answers, held to the OpenAPI document (lib/openapi.ts):
 * each route is called in-process, as an admin (or an organisation-wide ingest
 * token where only machines may call), on data this file makes, and its status
 * must be one the document lists for it and its body must validate against the
 * schema the document gives for that status. The response schemas close their
 * objects, so a field the document does not name fails as surely as a missing
 * one. The last test fails when a route the document describes was never
 * answered with success here.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from "@aws-sdk/client-codepipeline";
import { BatchGetTracesCommand, GetTraceSegmentDestinationCommand, XRayClient } from "@aws-sdk/client-xray";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { buildOpenApiDocument } from "@/lib/openapi";
import { callRoute, type TCallRouteOptions } from "@/lib/testing/call-route";
import { makeTeamService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeWaitingApproval, randomAccountId } from "@/lib/testing/pipelines";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

// ---- the document, as a validator

interface TOperation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, TOperation>>; components: { schemas: Record<string, unknown> } };
// Union types (["string", "null"]) are plain JSON Schema 2020-12, as zod writes them.
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
// The components as one schema, so that every $ref of the document resolves as it is written.
const asDefs = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"portside#/$defs/')) as object;
ajv.addSchema({ $id: "portside", $defs: asDefs(doc.components.schemas) });
const validators = new Map<string, ValidateFunction>();
/** The validator of one schema of the document, compiled once. */
function validatorOf(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = ajv.compile(asDefs(schema))));
  return validate;
}

/** "METHOD /api/path/{param}" of each route answered with success, and of each answer seen. */
const succeeded = new Set<string>();

/** The operation's key in the document: "GET /api/incidents/[id]" → "GET /api/incidents/{id}". */
const operationKey = (route: string) => route.replace(/\[(\w+)\]/g, "{$1}");

/** Holds one answer to the document: its status listed for the operation, its body valid for that status. Returns the body. */
async function expectDocumented(route: string, response: Response): Promise<unknown> {
  const [method, path] = operationKey(route).split(" ") as [string, string];
  const operation = doc.paths[path]?.[method.toLowerCase()];
  expect(operation, `${route} is not in the document`).toBeDefined();
  const text = await response.text();
  const status = String(response.status);
  const answer = operation!.responses[status];
  expect(answer, `${route} answered ${status}, which the document does not list: ${text.slice(0, 800)}`).toBeDefined();
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const content = answer!.content?.[contentType];
  expect(content, `${route} ${status} answered ${contentType || "no content type"}, which the document does not give`).toBeDefined();
  let body: unknown = text;
  if (contentType === "application/json") {
    body = JSON.parse(text);
    const validate = validatorOf(content!.schema);
    validate(body);
    expect(validate.errors ?? [], `${route} ${status}: ${text.slice(0, 2000)}`).toEqual([]);
  }
  if (response.status < 300) succeeded.add(operationKey(route));
  return body;
}

// ---- the data every test shares

interface TWorld {
  admin: { id: number; headers: Record<string, string> };
  ingest: { headers: Record<string, string> };
  team: { id: number; slug: string };
  service: { id: number; slug: string };
  account: { id: number; accountId: string };
}

let world: TWorld;

const codepipeline = mockClient(CodePipelineClient);
const cloudwatch = mockClient(CloudWatchClient);
const xray = mockClient(XRayClient);

/** Calls a route as the admin (a session from the portal's origin) unless other headers are given, and holds the answer to the document. */
async function call<T = Record<string, unknown>>(route: string, options: TCallRouteOptions = {}): Promise<{ status: number; body: T }> {
  const response = await callRoute(route, { ...options, headers: options.headers ?? world.admin.headers });
  const status = response.status;
  return { status, body: (await expectDocumented(route, response)) as T };
}

// Fixed times, well in the past whatever the clock says (the clock run moves it a year on).
const AT = "2026-11-20T10:00:00Z";
const LATER = "2026-11-20T10:10:00Z";
const DAY = { from: "2026-11-01", to: "2026-11-30" };

beforeAll(async () => {
  const { teamId, serviceId, slug } = await makeTeamService();
  const team = await db.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, slug: true } });
  const admin = await makeUser("ADMIN");
  const { token } = await makeToken(["ingest", "read"]);
  const accountId = randomAccountId();
  const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("answers"), regions: ["eu-west-1"] }, select: { id: true, accountId: true } });
  world = {
    admin: { id: admin.id, headers: { cookie: await sessionCookie(admin.email), origin: TEST_ORIGIN } },
    ingest: { headers: { authorization: `Bearer ${token}` } },
    team,
    service: { id: serviceId, slug },
    account,
  };
});

afterAll(closeDb);

describe("every route answers as the OpenAPI document says", () => {
  it("serves the document these answers are held to, every schema of it valid JSON Schema", async () => {
    const response = await callRoute("GET /api/openapi.json");
    expect(response.status).toBe(200);
    const served = (await response.json()) as typeof doc & { openapi: string };
    expect(served.openapi).toBe("3.1.0");
    expect(served.paths).toEqual(doc.paths);
    expect(served.components).toEqual(doc.components);
    for (const name of Object.keys(doc.components.schemas)) expect(() => validatorOf({ $ref: `#/components/schemas/${name}` }), name).not.toThrow();
  });

  it("health and readiness", async () => {
    expect((await call("GET /api/health", { headers: {} })).status).toBe(200);
    expect((await call("GET /api/ready", { headers: {} })).status).toBe(200);
  });

  it("refuses what the document does not describe: another status, an unnamed field, a missing one, a wrong type", async () => {
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    await expect(expectDocumented("GET /api/health", json({ status: "ok", uptimeSeconds: 1 }, 418))).rejects.toThrow(/does not list/);
    await expect(expectDocumented("GET /api/health", new Response("ok", { headers: { "content-type": "text/plain" } }))).rejects.toThrow(/does not give/);
    const incident = await (await callRoute("GET /api/incidents", { headers: world.admin.headers })).json();
    const schema = doc.paths["/api/incidents"]!.get!.responses["200"]!.content!["application/json"]!.schema;
    expect(validatorOf(schema)(incident)).toBe(true);
    for (const wrong of [
      { ...incident, cursor: "next" },
      { incidents: [], total: 0, page: 1 },
      { incidents: [], total: "0", page: 1, pageSize: 50 },
      { incidents: [{ id: 1 }], total: 1, page: 1, pageSize: 50 },
    ]) {
      expect(validatorOf(schema)(wrong), JSON.stringify(wrong)).toBe(false);
    }
  });

  it("the catalog: import, tokens, AWS accounts, people and memberships", async () => {
    const component = uniqueSlug("svc");
    const yaml = `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${component}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${world.team.slug}\n`;
    const imported = await call("POST /api/catalog/import", { body: yaml, headers: { ...world.admin.headers, "content-type": "application/yaml" } });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ services: { created: 1 } });

    const token = await call<{ id: number }>("POST /api/tokens", { body: { name: uniqueSlug("ci"), scopes: ["ingest"], team: world.team.slug, expiresInDays: 30 } });
    expect(token.status).toBe(201);
    expect((await call("DELETE /api/tokens/[id]", { params: { id: String(token.body.id) } })).status).toBe(200);

    const accountId = randomAccountId();
    const created = await call<{ id: number }>("POST /api/aws-accounts", {
      body: { accountId, name: "answers", regions: ["eu-west-1"], roleArn: `arn:aws:iam::${accountId}:role/portside-read`, externalId: "answers-ext" },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await call("PUT /api/aws-accounts/[id]", { params: { id }, body: { accountId, name: "renamed", regions: ["eu-west-1", "us-east-1"] } })).status).toBe(200);
    expect((await call("DELETE /api/aws-accounts/[id]", { params: { id } })).status).toBe(200);
    // An error answer is held to the document too.
    expect((await call("DELETE /api/aws-accounts/[id]", { params: { id } })).status).toBe(404);

    const person = await makeUser("VIEWER");
    expect((await call("PATCH /api/users/[id]", { params: { id: String(person.id) }, body: { orgRole: "EXECUTIVE" } })).status).toBe(200);
    const member = await call<{ user: { id: number } }>("PUT /api/teams/[slug]/members", { params: { slug: world.team.slug }, body: { email: `${uniqueSlug("new")}@example.com`, role: "MEMBER" } });
    expect(member.status).toBe(200);
    expect((await call("DELETE /api/teams/[slug]/members/[userId]", { params: { slug: world.team.slug, userId: String(member.body.user.id) } })).status).toBe(200);
  });

  it("deployments, and the DORA figures they make", async () => {
    const deployment = {
      service: world.service.slug,
      environment: "production",
      status: "succeeded",
      startedAt: AT,
      finishedAt: LATER,
      version: "1.2.3",
      source: "answers",
      externalId: uniqueSlug("d"),
      url: "https://ci.example.com/runs/1",
      commits: [{ sha: "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", authoredAt: "2026-11-19T10:00:00Z", committedAt: "2026-11-19T11:00:00Z" }],
    };
    expect((await call("POST /api/deployments", { headers: world.ingest.headers, body: deployment })).status).toBe(201);
    const failed = { ...deployment, externalId: uniqueSlug("d"), status: "failed", startedAt: "2026-11-21T10:00:00Z", finishedAt: "2026-11-21T10:05:00Z", commits: [] };
    expect((await call("POST /api/deployments", { headers: world.ingest.headers, body: { deployments: [deployment, failed] } })).status).toBe(201);
    expect((await call("POST /api/deployments", { headers: world.ingest.headers, body: deployment })).status).toBe(200);

    const query = { service: world.service.slug, ...DAY };
    const summary = await call<{ current: { deploymentFrequency: { deployments: number } } }>("GET /api/dora", { query });
    expect(summary.status).toBe(200);
    expect(summary.body.current.deploymentFrequency.deployments).toBe(2);
    expect((await call("GET /api/dora", { query: { team: world.team.slug, window: "30" } })).status).toBe(200);
    expect((await call("GET /api/dora/trend", { query: { service: world.service.slug, bucket: "week", count: "4" } })).status).toBe(200);
    expect((await call("GET /api/dora/trend", { query: { bucket: "month" } })).status).toBe(200);
    for (const metric of ["deploymentFrequency", "leadTime", "changeFailRate"]) {
      const rows = await call<{ rows: unknown[] }>("GET /api/dora/rows", { query: { metric, ...query } });
      expect(rows.status).toBe(200);
      expect(rows.body.rows.length).toBeGreaterThan(0);
    }
    expect((await call("GET /api/dora", { query: { team: world.team.slug, service: world.service.slug } })).status).toBe(400);
  });

  it("incidents: recorded, listed, read and changed", async () => {
    const deployment = await db.deployment.findFirstOrThrow({ where: { serviceId: world.service.id, status: "FAILED" }, select: { id: true } });
    const externalId = uniqueSlug("i");
    const incident = { service: world.service.slug, title: "Checkout errors", severity: "SEV2", openedAt: "2026-11-21T10:20:00Z", source: "answers", externalId, deployment: { id: deployment.id } };
    const recorded = await call<{ incidents: { id: number }[] }>("POST /api/incidents", { body: incident });
    expect(recorded.status).toBe(201);
    expect((await call("POST /api/incidents", { body: { incidents: [incident] } })).status).toBe(200);
    const id = String(recorded.body.incidents[0]!.id);
    // The team's own rule (whatever the organisation's is meanwhile): its SEV2 incidents get a postmortem drafted when they resolve.
    expect((await call("PUT /api/postmortem-rules", { body: { teamId: world.team.id, severities: ["SEV1", "SEV2"] } })).status).toBe(200);

    const list = await call<{ incidents: unknown[] }>("GET /api/incidents", { query: { service: world.service.slug } });
    expect(list.body.incidents).toHaveLength(1);
    expect((await call("GET /api/incidents/[id]", { params: { id } })).status).toBe(200);
    const patched = await call("PATCH /api/incidents/[id]", { params: { id }, body: { acknowledgedAt: "2026-11-21T10:25:00Z", resolvedAt: "2026-11-21T11:00:00Z", causedByChange: true } });
    expect(patched.body).toMatchObject({ status: "resolved", changed: true });
    expect((await call("GET /api/incidents/[id]", { params: { id: "2147483647" } })).status).toBe(404);
    expect((await call("GET /api/incidents", { query: { status: "closed" } })).status).toBe(400);
  });

  it("pipelines: EventBridge events, the board, one pipeline and an approval", async () => {
    const name = uniqueSlug("pipe");
    const executionId = crypto.randomUUID();
    const envelope = { version: "0", source: "aws.codepipeline", account: world.account.accountId, region: "eu-west-1", resources: [`arn:aws:codepipeline:eu-west-1:${world.account.accountId}:${name}`] };
    const events = [
      { ...envelope, id: uniqueSlug("evt"), "detail-type": "CodePipeline Pipeline Execution State Change", time: AT, detail: { pipeline: name, "execution-id": executionId, state: "STARTED", version: 1, "start-time": AT } },
      { ...envelope, id: uniqueSlug("evt"), "detail-type": "CodePipeline Stage Execution State Change", time: AT, detail: { pipeline: name, "execution-id": executionId, stage: "Build", state: "STARTED", version: 1 } },
      {
        ...envelope,
        id: uniqueSlug("evt"),
        "detail-type": "CodePipeline Action Execution State Change",
        time: AT,
        detail: { pipeline: name, "execution-id": executionId, stage: "Build", action: "Compile", state: "STARTED", version: 1, type: { category: "Build", provider: "CodeBuild", owner: "AWS", version: "1" } },
      },
      { ...envelope, id: uniqueSlug("evt"), "detail-type": "CodePipeline Pipeline Execution State Change", time: LATER, detail: { pipeline: name, "execution-id": executionId, state: "FAILED", version: 1 } },
    ];
    const applied = await call<{ applied: number }>("POST /api/events/aws", { headers: world.ingest.headers, body: events });
    expect(applied.body.applied).toBeGreaterThan(0);
    const replayed = await call<{ duplicates: number }>("POST /api/events/aws", { headers: world.ingest.headers, body: events[0] });
    expect(replayed.body.duplicates).toBe(1);

    const board = await call<{ pipelines: { id: number }[] }>("GET /api/pipelines", { query: { account: world.account.accountId } });
    expect(board.body.pipelines).toHaveLength(1);
    const id = String(board.body.pipelines[0]!.id);
    const pipeline = await call<{ executions: unknown[] }>("GET /api/pipelines/[id]", { params: { id } });
    expect(pipeline.body.executions).toHaveLength(1);
    expect((await call("GET /api/pipelines/[id]", { params: { id }, query: { page: "0" } })).status).toBe(400);

    codepipeline.on(GetPipelineStateCommand).resolves({
      pipelineName: "approve-me",
      stageStates: [{ stageName: "Production", latestExecution: { pipelineExecutionId: "exec-1", status: "InProgress" }, actionStates: [{ actionName: "Approve", latestExecution: { status: "InProgress", token: "token-1" } }] }],
    });
    codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date(LATER) });
    const waiting = String(await makeWaitingApproval({ teamId: world.team.id }));
    const approved = await call("POST /api/pipelines/[id]/approvals", { params: { id: waiting }, body: { stage: "Production", action: "Approve", decision: "Approved", comment: "Looks good" } });
    expect(approved.status).toBe(200);
    // What the answer stored shows on the pipeline at once.
    expect((await call("GET /api/pipelines/[id]", { params: { id: waiting } })).status).toBe(200);
  });

  it("alarms: the board and a metric chart", async () => {
    const base = { awsAccountId: world.account.id, region: "eu-west-1", serviceId: world.service.id, stateUpdatedAt: new Date(AT) };
    const metric = await db.alarm.create({
      data: {
        ...base,
        arn: `arn:aws:cloudwatch:eu-west-1:${world.account.accountId}:alarm:${uniqueSlug("cpu")}`,
        name: uniqueSlug("cpu-high"),
        severity: "SEV2",
        state: "ALARM",
        stateReason: "Threshold crossed",
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: [{ name: "ServiceName", value: "checkout" }],
        threshold: 80,
        comparison: "GreaterThanThreshold",
      },
    });
    await db.alarm.create({ data: { ...base, arn: `arn:aws:cloudwatch:eu-west-1:${world.account.accountId}:alarm:${uniqueSlug("all")}`, name: uniqueSlug("all-bad"), type: "COMPOSITE", state: "OK" } });
    const board = await call<{ alarms: unknown[] }>("GET /api/alarms", { query: { service: world.service.slug } });
    expect(board.body.alarms).toHaveLength(2);

    cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: { Id?: string }[] }) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Label: "CPUUtilization", Timestamps: [new Date(AT), new Date(LATER)], Values: [42, 91], StatusCode: "Complete" })),
    }));
    const chart = await call<{ points: unknown[] }>("GET /api/alarms/[id]/metrics", { params: { id: String(metric.id) }, query: { window: "3h" } });
    expect(chart.body.points).toHaveLength(2);
    expect((await call("GET /api/alarms/[id]/metrics", { params: { id: String(metric.id) }, query: { window: "2h" } })).status).toBe(400);
  });

  it("the service map, a node and a trace", async () => {
    const node = (name: string, serviceId: number | null) =>
      db.serviceGraphNode.create({ data: { awsAccountId: world.account.id, region: "eu-west-1", name, type: serviceId ? "AWS::ECS::Container" : "client", serviceId }, select: { id: true } });
    const [api, client] = [await node(uniqueSlug("api"), world.service.id), await node(uniqueSlug("client"), null)];
    const edge = await db.serviceGraphEdge.create({ data: { sourceId: client.id, targetId: api.id }, select: { id: true } });
    // Five-minute buckets, and the hour they roll up into: a window this old is read from the hours.
    for (const bucketSeconds of [300, 3600]) {
      const bucket = { bucketStart: new Date(AT), bucketSeconds, requests: 120, errors: 3, faults: 1, throttles: 0, totalResponseTime: 6.5, latencyBins: [10, 12], latencyCounts: [100, 20] };
      await db.serviceGraphNodeBucket.create({ data: { nodeId: api.id, ...bucket } });
      await db.serviceGraphEdgeBucket.create({ data: { edgeId: edge.id, ...bucket } });
    }

    const window = { window: "custom", from: "2026-11-20T09:00:00Z", to: "2026-11-20T11:00:00Z" };
    const map = await call<{ nodes: unknown[]; edges: unknown[] }>("GET /api/servicemap", { query: { ...window, service: world.service.slug } });
    expect(map.body.nodes.length).toBeGreaterThan(0);
    expect(map.body.edges.length).toBeGreaterThan(0);
    expect((await call("GET /api/servicemap", { query: { window: "1h" } })).status).toBe(200);
    const details = await call<{ series: unknown[] }>("GET /api/servicemap/nodes/[id]", { params: { id: String(api.id) }, query: window });
    expect(details.status).toBe(200);

    const traceId = `1-${Math.floor(Date.parse(AT) / 1000).toString(16)}-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    await db.traceSummary.create({
      data: { awsAccountId: world.account.id, region: "eu-west-1", traceId, serviceId: world.service.id, startedAt: new Date(AT), durationMs: 250, hasFault: true, httpMethod: "GET", httpUrl: "https://shop.example.com/cart", httpStatus: 500, entryPoint: "checkout", reason: "fault" },
    });
    const start = Date.parse(AT) / 1000;
    const segment = { id: "70de5b6f19ff9a0a", name: "checkout", start_time: start, end_time: start + 0.25, fault: true, http: { request: { method: "GET", url: "https://shop.example.com/cart" }, response: { status: 500 } }, annotations: { tenant: "acme" }, subsegments: [{ id: "70de5b6f19ff9a0b", name: "DynamoDB", namespace: "aws", start_time: start + 0.01, end_time: start + 0.2 }] };
    xray.on(BatchGetTracesCommand).resolves({ Traces: [{ Id: traceId, Duration: 0.25, Segments: [{ Id: segment.id, Document: JSON.stringify(segment) }] }] });
    xray.on(GetTraceSegmentDestinationCommand).resolves({ Destination: "XRay" });
    const trace = await call<{ spans: unknown[] }>("GET /api/traces/[id]", { params: { id: traceId } });
    expect(trace.body.spans).toHaveLength(2);
    expect((await call("GET /api/traces/[id]", { params: { id: "not-a-trace" } })).status).toBe(400);
  });

  it("postmortems: rules, a drafted postmortem through its life, its timeline, comments and action items", async () => {
    expect((await call("GET /api/postmortem-rules")).status).toBe(200);

    // The incident resolved above was given a postmortem by the organisation's rule: starting another is a conflict naming it.
    const incident = await db.incident.findFirstOrThrow({ where: { serviceId: world.service.id }, select: { id: true } });
    const drafted = await call<{ error: { details: { postmortemId: number } } }>("POST /api/postmortems", { body: { incidentId: incident.id } });
    expect(drafted.status).toBe(409);
    const params = { id: String(drafted.body.error.details.postmortemId) };
    const version = async () => (await call<{ version: number }>("GET /api/postmortems/[id]", { params })).body.version;

    expect((await call("PATCH /api/postmortems/[id]", { params, body: { version: await version(), title: "Checkout errors after 1.2.3", impactStartedAt: "2026-11-21T10:15:00Z" } })).status).toBe(200);
    expect((await call("PUT /api/postmortems/[id]/sections/[key]", { params: { ...params, key: "summary" }, body: { baseVersion: 0, body: "The cart failed for **40 minutes**." } })).status).toBe(200);
    const revisions = await call<{ revisions: unknown[] }>("GET /api/postmortems/[id]/sections/[key]", { params: { ...params, key: "summary" } });
    expect(revisions.body.revisions).toHaveLength(1);
    expect((await call("POST /api/postmortems/[id]/comments", { params, body: { body: "Which customers?", sectionKey: "summary" } })).status).toBe(201);
    expect((await call("POST /api/postmortems/[id]/timeline/redraft", { params, body: { marginBeforeMinutes: 120 } })).status).toBe(200);
    const entry = await call<{ id: number }>("POST /api/postmortems/[id]/timeline", { params, body: { at: "2026-11-21T10:30:00Z", text: "Paged the DBA", isStarred: true } });
    expect(entry.status).toBe(201);
    const entryParams = { ...params, entryId: String(entry.body.id) };
    expect((await call("PATCH /api/postmortems/[id]/timeline/[entryId]", { params: entryParams, body: { text: "Paged the on-call DBA" } })).status).toBe(200);
    const owner = await makeUser("VIEWER", [{ teamId: world.team.id, role: "MEMBER" }]);
    const item = await call<{ id: number }>("POST /api/postmortems/[id]/action-items", { params, body: { title: "Alarm on cart 5xx", ownerId: owner.id, priority: "P2", type: "DETECT", ticketUrl: "https://tickets.example.com/1" } });
    expect(item.status).toBe(201);
    expect((await call("PATCH /api/action-items/[id]", { params: { id: String(item.body.id) }, body: { version: 1, status: "IN_PROGRESS" } })).status).toBe(200);

    const full = await call<{ timeline: unknown[]; actionItems: unknown[]; comments: unknown[] }>("GET /api/postmortems/[id]", { params });
    expect(full.body.timeline.length).toBeGreaterThan(0);
    expect(full.body.actionItems).toHaveLength(1);
    expect(full.body.comments).toHaveLength(1);
    expect((await call("DELETE /api/postmortems/[id]/timeline/[entryId]", { params: entryParams })).status).toBe(200);
    const exported = await call<string>("GET /api/postmortems/[id]/export", { params });
    expect(exported.body).toContain("Checkout errors after 1.2.3");

    const list = await call<{ rows: unknown[] }>("GET /api/postmortems", { query: { team: world.team.slug } });
    expect(list.body.rows).toHaveLength(1);
    expect((await call<{ rows: unknown[] }>("GET /api/postmortems", { query: { q: "cart", team: world.team.slug } })).body.rows).toHaveLength(1);
    const items = await call<{ rows: unknown[] }>("GET /api/action-items", { query: { team: world.team.slug, status: "active" } });
    expect(items.body.rows).toHaveLength(1);

    expect((await call("POST /api/postmortems/[id]/transitions", { params, body: { action: "submit", version: await version() } })).status).toBe(200);
    // Stale: the version named is not the current one any more.
    expect((await call("PATCH /api/postmortems/[id]", { params, body: { version: 1, title: "Too late" } })).status).toBe(409);
    expect((await call("POST /api/postmortems", { body: { teamId: world.team.id, title: "A near miss" } })).status).toBe(201);
  });

  it("answered every route the document describes with success at least once", () => {
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(documented.filter((op) => !succeeded.has(op)).sort()).toEqual([]);
  });
});
