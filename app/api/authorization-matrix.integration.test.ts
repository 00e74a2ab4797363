/**
 * Every mutating route × every kind of caller, expected allow or deny. The
 * table below is the specification; the first test fails when a route file
 * exports a mutating handler the table does not list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { makeService, makeTeamToken, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { mutatingRoutes, routeHandler } from "@/lib/testing/routes";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { generateToken } from "@/lib/auth/tokens";
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { makeWaitingApproval, randomAccountId } from "@/lib/testing/pipelines";

type TCaller =
  | "anonymous"
  | "viewer"
  | "executive"
  | "member"
  | "approver"
  | "maintainer"
  | "otherMaintainer"
  | "admin"
  | "ingestToken"
  | "readToken"
  | "teamIngestToken"
  | "otherTeamIngestToken"
  | "teamReadToken";
/**
 * ingestToken and readToken are organisation-wide; the team tokens belong to team A (whose things every case acts
 * on, with ingest and read, or read only) and to team B (ingest and read).
 */
const CALLERS: TCaller[] = [
  "anonymous",
  "viewer",
  "executive",
  "member",
  "approver",
  "maintainer",
  "otherMaintainer",
  "admin",
  "ingestToken",
  "readToken",
  "teamIngestToken",
  "otherTeamIngestToken",
  "teamReadToken",
];


interface TWorld {
  teamA: { id: number; slug: string; serviceSlug: string };
  teamB: { id: number; slug: string; serviceSlug: string };
  credentials: Record<TCaller, Record<string, string>>;
}

interface TBuilt {
  url: string;
  params: Record<string, string>;
  init: RequestInit;
  /** The rows the call would write, read back: a refusal leaves them as they were, an allowed call changes them. */
  state: () => Promise<unknown>;
}

interface TCase {
  /** "METHOD /api/path/[param]" as the route file declares it. */
  route: string;
  /** Builds a fresh request (and whatever it acts on) for one call. */
  build: (world: TWorld) => Promise<TBuilt>;
  allowed: Partial<Record<TCaller, number>>;
  /** Status for callers not in `allowed`: 403, except anonymous (401). */
  denied?: Partial<Record<TCaller, number>>;
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { "content-type": "application/json" } });


const CASES: TCase[] = [
  {
    route: "POST /api/deployments",
    build: async (w) => {
      const externalId = uniqueSlug("d");
      return {
        url: "/api/deployments",
        params: {},
        init: {
          method: "POST",
          ...json({ service: w.teamA.serviceSlug, environment: "production", status: "succeeded", source: "matrix", externalId, startedAt: "2026-11-01T10:00:00Z", finishedAt: "2026-11-01T10:05:00Z" }),
        },
        state: () => db.deployment.findMany({ where: { source: "matrix", externalId } }),
      };
    },
    // Machines only: a browser session is refused like every route's (withAuth: signed in, but not allowed).
    allowed: { ingestToken: 201, teamIngestToken: 201 },
  },
  {
    route: "POST /api/events/aws",
    // A pipeline execution starting in a registered account: the first event of a pipeline records it.
    build: async () => {
      const account = await db.awsAccount.create({ data: { accountId: randomAccountId(), name: "matrix", regions: ["eu-west-1"] } });
      const pipeline = uniqueSlug("pipe");
      return {
        state: () => db.pipeline.findMany({ where: { awsAccountId: account.id } }),
        url: "/api/events/aws",
        params: {},
        init: {
          method: "POST",
          ...json({
            version: "0",
            id: uniqueSlug("evt"),
            "detail-type": "CodePipeline Pipeline Execution State Change",
            source: "aws.codepipeline",
            account: account.accountId,
            time: "2026-11-01T10:00:00Z",
            region: "eu-west-1",
            resources: [`arn:aws:codepipeline:eu-west-1:${account.accountId}:${pipeline}`],
            detail: { pipeline, "execution-id": crypto.randomUUID(), state: "STARTED", version: 1 },
          }),
        },
      };
    },
    allowed: { ingestToken: 200 },
  },
  {
    route: "POST /api/tokens",
    build: async (w) => {
      const name = uniqueSlug("ci");
      return { url: "/api/tokens", params: {}, init: { method: "POST", ...json({ name, scopes: ["ingest"], team: w.teamA.slug }) }, state: () => db.apiToken.findMany({ where: { name } }) };
    },
    allowed: { maintainer: 201, admin: 201 },
  },
  {
    route: "DELETE /api/tokens/[id]",
    build: async (w) => {
      const token = await createApiToken({ name: uniqueSlug("t"), scopes: ["ingest"], teamId: w.teamA.id, actor: { system: "test" } });
      return { url: `/api/tokens/${token.id}`, params: { id: String(token.id) }, init: { method: "DELETE" }, state: () => db.apiToken.findUnique({ where: { id: token.id } }) };
    },
    allowed: { maintainer: 200, admin: 200 },
  },
  {
    route: "POST /api/catalog/import",
    build: async (w) => {
      const name = uniqueSlug("svc");
      return {
        url: "/api/catalog/import",
        params: {},
        init: {
          method: "POST",
          body: `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${w.teamA.slug}\n`,
          headers: { "content-type": "application/yaml" },
        },
        state: () => db.service.findMany({ where: { slug: name } }),
      };
    },
    allowed: { admin: 200 },
  },
  {
    route: "POST /api/aws-accounts",
    build: async () => {
      const accountId = randomAccountId();
      return {
        url: "/api/aws-accounts",
        params: {},
        init: { method: "POST", ...json({ accountId, name: "matrix", regions: ["eu-west-1"] }) },
        state: () => db.awsAccount.findMany({ where: { accountId } }),
      };
    },
    allowed: { admin: 201 },
  },
  {
    route: "PUT /api/aws-accounts/[id]",
    build: async () => {
      const account = await db.awsAccount.create({ data: { accountId: randomAccountId(), name: "before", regions: ["eu-west-1"] } });
      return {
        url: `/api/aws-accounts/${account.id}`,
        params: { id: String(account.id) },
        init: { method: "PUT", ...json({ accountId: account.accountId, name: "after", regions: ["eu-west-1", "us-east-1"] }) },
        state: () => db.awsAccount.findUnique({ where: { id: account.id } }),
      };
    },
    allowed: { admin: 200 },
  },
  {
    route: "DELETE /api/aws-accounts/[id]",
    build: async () => {
      const account = await db.awsAccount.create({ data: { accountId: randomAccountId(), name: "doomed", regions: ["eu-west-1"] } });
      return { url: `/api/aws-accounts/${account.id}`, params: { id: String(account.id) }, init: { method: "DELETE" }, state: () => db.awsAccount.findUnique({ where: { id: account.id } }) };
    },
    allowed: { admin: 200 },
  },
  {
    route: "PATCH /api/users/[id]",
    build: async () => {
      const user = await makeUser("VIEWER");
      return { url: `/api/users/${user.id}`, params: { id: String(user.id) }, init: { method: "PATCH", ...json({ orgRole: "EXECUTIVE" }) }, state: () => db.user.findUnique({ where: { id: user.id }, select: { orgRole: true } }) };
    },
    allowed: { admin: 200 },
  },
  {
    route: "PUT /api/teams/[slug]/members",
    build: async (w) => {
      const email = `${uniqueSlug("new")}@example.com`;
      return {
        url: `/api/teams/${w.teamA.slug}/members`,
        params: { slug: w.teamA.slug },
        init: { method: "PUT", ...json({ email, role: "MEMBER" }) },
        state: () => db.membership.findMany({ where: { teamId: w.teamA.id, user: { email } } }),
      };
    },
    allowed: { admin: 200 },
  },
  {
    route: "POST /api/pipelines/[id]/approvals",
    build: async (w) => {
      const id = await makeWaitingApproval({ teamId: w.teamA.id });
      return {
        url: `/api/pipelines/${id}/approvals`,
        params: { id: String(id) },
        init: { method: "POST", ...json({ stage: "Production", action: "Approve", decision: "Approved", comment: "Looks good" }) },
        // What an approval writes is its call to CodePipeline (and its audit row).
        state: async () => codepipeline.commandCalls(PutApprovalResultCommand).filter((c) => c.args[0].input.pipelineName === "approve-me").length,
      };
    },
    allowed: { approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "DELETE /api/teams/[slug]/members/[userId]",
    build: async (w) => {
      const user = await makeUser("VIEWER", [{ teamId: w.teamA.id, role: "MEMBER" }]);
      return {
        url: `/api/teams/${w.teamA.slug}/members/${user.id}`,
        params: { slug: w.teamA.slug, userId: String(user.id) },
        init: { method: "DELETE" },
        state: () => db.membership.findMany({ where: { userId: user.id } }),
      };
    },
    allowed: { admin: 200 },
  },
  {
    route: "POST /api/incidents",
    build: async (w) => {
      const externalId = uniqueSlug("i");
      return {
        url: "/api/incidents",
        params: {},
        init: { method: "POST", ...json({ service: w.teamA.serviceSlug, title: "Matrix", severity: "SEV3", openedAt: "2026-11-01T10:00:00Z", source: "matrix", externalId }) },
        state: () => db.incident.findMany({ where: { source: "matrix", externalId } }),
      };
    },
    // Anyone in the service's team, admins, and machines with an ingest token of the organisation or of the team (incident tools' webhooks).
    allowed: { member: 201, approver: 201, maintainer: 201, admin: 201, ingestToken: 201, teamIngestToken: 201 },
  },
  {
    route: "PATCH /api/incidents/[id]",
    build: async (w) => {
      const service = await db.service.findUniqueOrThrow({ where: { slug: w.teamA.serviceSlug }, select: { id: true } });
      const incident = await db.incident.create({
        data: { serviceId: service.id, title: "Matrix", severity: "SEV3", openedAt: new Date("2026-11-01T10:00:00Z"), source: "matrix", externalId: uniqueSlug("i") },
      });
      return {
        url: `/api/incidents/${incident.id}`,
        params: { id: String(incident.id) },
        init: { method: "PATCH", ...json({ causedByChange: false }) },
        state: () => db.incident.findUnique({ where: { id: incident.id } }),
      };
    },
    // People only: a token cannot re-attribute or correct an incident.
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  // Postmortems: people only (no token holds a postmortem permission); the team's members write, the team's
  // maintainers (and admins) set its rules. Approval's finer rules (approvers, never an author) are in workflow.test.ts.
  {
    route: "POST /api/postmortems",
    build: async (w) => {
      const title = uniqueSlug("near-miss");
      return { url: "/api/postmortems", params: {}, init: { method: "POST", ...json({ teamId: w.teamA.id, title }) }, state: () => db.postmortem.findMany({ where: { title } }) };
    },
    allowed: { member: 201, approver: 201, maintainer: 201, admin: 201 },
  },
  {
    route: "PATCH /api/postmortems/[id]",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return { url: `/api/postmortems/${id}`, params: { id: String(id) }, init: { method: "PATCH", ...json({ version: 1, title: "Renamed" }) }, state: () => db.postmortem.findUnique({ where: { id }, select: { title: true } }) };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "PUT /api/postmortems/[id]/sections/[key]",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return {
        url: `/api/postmortems/${id}/sections/summary`,
        params: { id: String(id), key: "summary" },
        init: { method: "PUT", ...json({ baseVersion: 0, body: "What happened." }) },
        state: () => db.postmortemSection.findMany({ where: { postmortemId: id } }),
      };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "POST /api/postmortems/[id]/transitions",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return {
        url: `/api/postmortems/${id}/transitions`,
        params: { id: String(id) },
        init: { method: "POST", ...json({ action: "submit", version: 1 }) },
        state: () => db.postmortem.findUnique({ where: { id }, select: { status: true } }),
      };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "POST /api/postmortems/[id]/comments",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return { url: `/api/postmortems/${id}/comments`, params: { id: String(id) }, init: { method: "POST", ...json({ body: "Why?" }) }, state: () => db.postmortemComment.findMany({ where: { postmortemId: id } }) };
    },
    allowed: { member: 201, approver: 201, maintainer: 201, admin: 201 },
  },
  {
    route: "POST /api/postmortems/[id]/timeline",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return {
        url: `/api/postmortems/${id}/timeline`,
        params: { id: String(id) },
        init: { method: "POST", ...json({ at: "2026-11-01T10:00:00Z", text: "Paged the database team" }) },
        state: () => db.postmortemTimelineEntry.findMany({ where: { postmortemId: id } }),
      };
    },
    allowed: { member: 201, approver: 201, maintainer: 201, admin: 201 },
  },
  {
    route: "POST /api/postmortems/[id]/timeline/redraft",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return {
        url: `/api/postmortems/${id}/timeline/redraft`,
        params: { id: String(id) },
        init: { method: "POST", ...json({ marginBeforeMinutes: 240 }) },
        state: () => db.postmortem.findUnique({ where: { id }, select: { marginBeforeMinutes: true } }),
      };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "PATCH /api/postmortems/[id]/timeline/[entryId]",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      const entry = await db.postmortemTimelineEntry.create({ data: { postmortemId: id, at: new Date("2026-11-01T10:00:00Z"), source: "manual", text: "A note" } });
      return {
        url: `/api/postmortems/${id}/timeline/${entry.id}`,
        params: { id: String(id), entryId: String(entry.id) },
        init: { method: "PATCH", ...json({ isStarred: true }) },
        state: () => db.postmortemTimelineEntry.findUnique({ where: { id: entry.id }, select: { isStarred: true } }),
      };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "DELETE /api/postmortems/[id]/timeline/[entryId]",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      const entry = await db.postmortemTimelineEntry.create({ data: { postmortemId: id, at: new Date("2026-11-01T10:00:00Z"), source: "manual", text: "A note" } });
      return {
        url: `/api/postmortems/${id}/timeline/${entry.id}`,
        params: { id: String(id), entryId: String(entry.id) },
        init: { method: "DELETE" },
        state: () => db.postmortemTimelineEntry.findUnique({ where: { id: entry.id } }),
      };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "POST /api/postmortems/[id]/action-items",
    build: async (w) => {
      const id = await makePostmortem(w.teamA.id);
      return {
        url: `/api/postmortems/${id}/action-items`,
        params: { id: String(id) },
        init: { method: "POST", ...json({ title: "Alarm on p99 latency", priority: "P2" }) },
        state: () => db.actionItem.findMany({ where: { postmortemId: id } }),
      };
    },
    allowed: { member: 201, approver: 201, maintainer: 201, admin: 201 },
  },
  {
    route: "PATCH /api/action-items/[id]",
    build: async (w) => {
      const postmortemId = await makePostmortem(w.teamA.id);
      const item = await db.actionItem.create({ data: { postmortemId, teamId: w.teamA.id, title: "Add a canary" } });
      return {
        url: `/api/action-items/${item.id}`,
        params: { id: String(item.id) },
        init: { method: "PATCH", ...json({ version: 1, status: "IN_PROGRESS" }) },
        state: () => db.actionItem.findUnique({ where: { id: item.id }, select: { status: true } }),
      };
    },
    allowed: { member: 200, approver: 200, maintainer: 200, admin: 200 },
  },
  {
    route: "PUT /api/postmortem-rules",
    build: async (w) => {
      // Every call starts from no team rule, so that an allowed call is seen to write one.
      await db.postmortemRule.deleteMany({ where: { teamId: w.teamA.id } });
      return {
      url: "/api/postmortem-rules",
      params: {},
      init: { method: "PUT", ...json({ teamId: w.teamA.id, severities: ["SEV1", "SEV2", "SEV3"] }) },
      state: () => db.postmortemRule.findMany({ where: { teamId: w.teamA.id }, select: { severities: true } }),
      };
    },
    allowed: { maintainer: 200, admin: 200 },
  },
];

/** Routes that change state but are not ours to authorize: better-auth's sign-in, callback and sign-out endpoints. */
const EXEMPT = new Set(["POST /api/auth/[...all]"]);

/** A stand-alone draft postmortem of team `teamId` (version 1). */
async function makePostmortem(teamId: number): Promise<number> {
  const row = await db.postmortem.create({ data: { teamId, title: uniqueSlug("pm") }, select: { id: true } });
  return row.id;
}

let world: TWorld;
const codepipeline = mockClient(CodePipelineClient);

beforeAll(async () => {
  codepipeline.on(GetPipelineStateCommand).resolves({
    pipelineName: "approve-me",
    stageStates: [{ stageName: "Production", latestExecution: { pipelineExecutionId: "exec-1", status: "InProgress" }, actionStates: [{ actionName: "Approve", latestExecution: { status: "InProgress", token: "token-1" } }] }],
  });
  codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date() });
  const a = await makeService();
  const teamA = { id: a.teamId, slug: (await db.team.findUniqueOrThrow({ where: { id: a.teamId } })).slug, serviceSlug: a.slug };
  const b = await makeService();
  const teamB = { id: b.teamId, slug: (await db.team.findUniqueOrThrow({ where: { id: b.teamId } })).slug, serviceSlug: b.slug };
  const people = {
    viewer: await makeUser("VIEWER"),
    executive: await makeUser("EXECUTIVE"),
    member: await makeUser("VIEWER", [{ teamId: teamA.id, role: "MEMBER" }]),
    approver: await makeUser("VIEWER", [{ teamId: teamA.id, role: "APPROVER" }]),
    maintainer: await makeUser("VIEWER", [{ teamId: teamA.id, role: "MAINTAINER" }]),
    otherMaintainer: await makeUser("VIEWER", [{ teamId: teamB.id, role: "MAINTAINER" }]),
    admin: await makeUser("ADMIN"),
  };
  const credentials = { anonymous: {} } as Record<TCaller, Record<string, string>>;
  for (const [caller, user] of Object.entries(people)) {
    credentials[caller as TCaller] = { cookie: await sessionCookie(user.email), origin: TEST_ORIGIN };
  }
  credentials.ingestToken = { authorization: `Bearer ${(await makeToken(["ingest"])).token}` };
  credentials.readToken = { authorization: `Bearer ${(await makeToken(["read"])).token}` };
  credentials.teamIngestToken = { authorization: `Bearer ${(await makeTeamToken(teamA.id, ["ingest", "read"])).token}` };
  credentials.otherTeamIngestToken = { authorization: `Bearer ${(await makeTeamToken(teamB.id, ["ingest", "read"])).token}` };
  credentials.teamReadToken = { authorization: `Bearer ${(await makeTeamToken(teamA.id, ["read"])).token}` };
  world = { teamA, teamB, credentials };
});

afterAll(closeDb);

/** Calls the route as `caller`; `auditBefore` is counted after the request's own setup. */
async function call(c: TCase, caller: TCaller): Promise<{ response: Response; auditBefore: number; stateBefore: unknown; state: () => Promise<unknown> }> {
  const { url, params, init, state } = await c.build(world);
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(world.credentials[caller])) headers.set(k, v);
  const handler = await routeHandler(c.route);
  const auditBefore = await db.auditEvent.count();
  const stateBefore = await state();
  const response = await handler(new Request(`${TEST_ORIGIN}${url}`, { ...init, headers }), { params: Promise.resolve(params) });
  return { response, auditBefore, stateBefore, state };
}

describe("authorization matrix", () => {
  it("lists every mutating route", async () => {
    const routes = await mutatingRoutes();
    const listed = new Set(CASES.map((c) => c.route));
    expect(routes.filter((r) => !EXEMPT.has(r) && !listed.has(r))).toEqual([]);
    expect([...listed].filter((r) => !routes.includes(r))).toEqual([]);
  });

  for (const c of CASES) {
    describe(c.route, () => {
      for (const caller of CALLERS) {
        const expected = c.allowed[caller] ?? c.denied?.[caller] ?? (caller === "anonymous" ? 401 : 403);
        const verdict = caller in c.allowed ? "allows" : "denies";
        it(`${verdict} ${caller} (${expected})`, async () => {
          const { response, auditBefore, stateBefore, state } = await call(c, caller);
          const body = (await response.json()) as { error?: { code: string; message: string } };
          expect(response.status, JSON.stringify(body)).toBe(expected);
          if (verdict === "denies") {
            expect(body.error?.message).toBeTruthy();
            // Nothing happened: no row was written, and no change was recorded.
            expect(await state()).toEqual(stateBefore);
            expect(await db.auditEvent.count()).toBe(auditBefore);
          } else {
            expect(await state()).not.toEqual(stateBefore);
            expect(await db.auditEvent.count()).toBeGreaterThan(auditBefore);
          }
        });
      }
    });
  }
});

/** Calls a route as `caller` with a JSON body; the status and the error message, if any. */
async function send(route: string, caller: TCaller, url: string, body: unknown, params: Record<string, string> = {}) {
  const [method] = route.split(" ") as [string];
  const headers = new Headers({ "content-type": "application/json", ...world.credentials[caller] });
  const handler = await routeHandler(route);
  const response = await handler(new Request(`${TEST_ORIGIN}${url}`, { method, headers, body: JSON.stringify(body) }), { params: Promise.resolve(params) });
  const answer = (await response.json()) as { error?: { message: string } };
  return { status: response.status, message: answer.error?.message ?? "" };
}

describe("cross-team references inside bodies", () => {
  const deploymentBody = (service: string, externalId: string, overrides: Record<string, unknown> = {}) => ({
    service,
    environment: "production",
    status: "succeeded",
    source: "matrix-x",
    externalId,
    startedAt: "2026-11-01T10:00:00Z",
    finishedAt: "2026-11-01T10:05:00Z",
    ...overrides,
  });
  const deploymentRows = (externalId: string) => db.deployment.findMany({ where: { source: "matrix-x", externalId } });
  const serviceId = async (slug: string) => (await db.service.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;

  it("a member of one team cannot start, attach to or change another team's postmortems through ids in the body", async () => {
    const serviceB = await serviceId(world.teamB.serviceSlug);
    const incidentB = await db.incident.create({ data: { serviceId: serviceB, title: "B's outage", severity: "SEV3", openedAt: new Date("2026-11-01T10:00:00Z"), source: "matrix-x", externalId: uniqueSlug("i") } });
    const before = await db.postmortem.count();
    const cases: [Record<string, unknown>, number][] = [
      [{ incidentId: incidentB.id }, 403],
      [{ serviceId: serviceB, title: "Near miss" }, 403],
      [{ teamId: world.teamB.id, title: "Near miss" }, 403],
      // Naming one's own team beside another team's service does not make it one's own.
      [{ serviceId: serviceB, teamId: world.teamA.id, title: "Near miss" }, 400],
    ];
    for (const [body, status] of cases) expect((await send("POST /api/postmortems", "member", "/api/postmortems", body)).status, JSON.stringify(body)).toBe(status);
    expect(await db.postmortem.count()).toBe(before);

    // Team B's action item, owned by nobody on team A: a member of A may not touch it.
    const pmB = await db.postmortem.create({ data: { teamId: world.teamB.id, title: uniqueSlug("pm") } });
    const itemB = await db.actionItem.create({ data: { postmortemId: pmB.id, teamId: world.teamB.id, title: "B's follow-up" } });
    const patched = await send("PATCH /api/action-items/[id]", "member", `/api/action-items/${itemB.id}`, { version: 1, status: "DONE" }, { id: String(itemB.id) });
    expect(patched.status).toBe(403);
    expect((await db.actionItem.findUniqueOrThrow({ where: { id: itemB.id } })).status).toBe("OPEN");
    // An action item on A's postmortem cannot be given an owner who does not exist, whatever the team.
    const pmA = await db.postmortem.create({ data: { teamId: world.teamA.id, title: uniqueSlug("pm") } });
    const badOwner = await send("POST /api/postmortems/[id]/action-items", "member", `/api/postmortems/${pmA.id}/action-items`, { title: "Canary", ownerId: 2_000_000_000 }, { id: String(pmA.id) });
    expect(badOwner.status).toBe(400);
    expect(await db.actionItem.count({ where: { postmortemId: pmA.id } })).toBe(0);
  });

  it("a team's maintainer sets their own team's postmortem rule, not another team's nor the organisation's", async () => {
    await db.postmortemRule.deleteMany({ where: { teamId: world.teamB.id } });
    const org = await db.postmortemRule.findFirstOrThrow({ where: { teamId: null }, select: { severities: true } });
    expect((await send("PUT /api/postmortem-rules", "maintainer", "/api/postmortem-rules", { teamId: world.teamB.id, severities: ["SEV1"] })).status).toBe(403);
    expect((await send("PUT /api/postmortem-rules", "maintainer", "/api/postmortem-rules", { teamId: null, severities: ["SEV1"] })).status).toBe(403);
    expect(await db.postmortemRule.findMany({ where: { teamId: world.teamB.id } })).toEqual([]);
    expect((await db.postmortemRule.findFirstOrThrow({ where: { teamId: null }, select: { severities: true } })).severities).toEqual(org.severities);
  });

  it("a team's token cannot record a deployment of another team's service (403 naming it, nothing stored)", async () => {
    const externalId = uniqueSlug("d");
    const answer = await send("POST /api/deployments", "teamIngestToken", "/api/deployments", deploymentBody(world.teamB.serviceSlug, externalId));
    expect(answer.status).toBe(403);
    expect(answer.message).toContain(world.teamB.serviceSlug);
    expect(await deploymentRows(externalId)).toEqual([]);
  });

  it("a team's token cannot change or take over another team's deployment through its source and externalId", async () => {
    const externalId = uniqueSlug("d");
    expect((await send("POST /api/deployments", "ingestToken", "/api/deployments", deploymentBody(world.teamB.serviceSlug, externalId))).status).toBe(201);
    const before = await deploymentRows(externalId);
    for (const body of [
      deploymentBody(world.teamB.serviceSlug, externalId, { status: "failed" }),
      deploymentBody(world.teamA.serviceSlug, externalId, { status: "failed" }),
    ]) {
      const answer = await send("POST /api/deployments", "teamIngestToken", "/api/deployments", body);
      expect(answer.status).toBe(403);
      expect(answer.message).toContain(world.teamB.serviceSlug);
    }
    expect(await deploymentRows(externalId)).toEqual(before);
    expect(before.map((d) => [d.serviceId, d.status])).toEqual([[await serviceId(world.teamB.serviceSlug), "SUCCEEDED"]]);
  });

  it("an organisation-wide token cannot move a deployment to another service by posting it again (422 naming both)", async () => {
    const externalId = uniqueSlug("d");
    expect((await send("POST /api/deployments", "ingestToken", "/api/deployments", deploymentBody(world.teamB.serviceSlug, externalId))).status).toBe(201);
    const before = await deploymentRows(externalId);
    const answer = await send("POST /api/deployments", "ingestToken", "/api/deployments", deploymentBody(world.teamA.serviceSlug, externalId));
    expect(answer.status).toBe(422);
    expect(answer.message).toContain(world.teamA.serviceSlug);
    expect(answer.message).toContain(world.teamB.serviceSlug);
    expect(await deploymentRows(externalId)).toEqual(before);
  });

  it("a team's token cannot fill in the commit times of another team's CodePipeline changes through a sha it posts", async () => {
    const sha = uniqueSlug("x").slice(2).padEnd(40, "0"); // 8 random hex digits
    const theirs = await db.deployment.create({
      data: {
        serviceId: await serviceId(world.teamB.serviceSlug),
        environment: "production",
        status: "SUCCEEDED",
        startedAt: new Date("2026-11-01T09:00:00Z"),
        finishedAt: new Date("2026-11-01T09:10:00Z"),
        source: "codepipeline",
        externalId: uniqueSlug("exec"),
        changes: { create: [{ sha }] },
      },
      select: { id: true },
    });
    const change = () => db.change.findFirstOrThrow({ where: { deploymentId: theirs.id, sha } });
    const before = await change();
    const body = deploymentBody(world.teamA.serviceSlug, uniqueSlug("d"), { commits: [{ sha, authoredAt: "1970-01-01T00:00:00Z", committedAt: "1970-01-02T00:00:00Z" }] });
    expect((await send("POST /api/deployments", "teamIngestToken", "/api/deployments", body)).status).toBe(201);
    expect(await change()).toEqual(before);
    expect(before).toMatchObject({ authoredAt: null, committedAt: null });
  });

  it("an incident of team A cannot be given a deployment of team B by team A's member or token, on create or on change", async () => {
    const theirs = await db.deployment.create({
      data: {
        serviceId: await serviceId(world.teamB.serviceSlug),
        environment: "production",
        status: "SUCCEEDED",
        startedAt: new Date("2026-11-01T09:00:00Z"),
        finishedAt: new Date("2026-11-01T09:10:00Z"),
        source: "matrix-x",
        externalId: uniqueSlug("d"),
      },
    });
    for (const caller of ["member", "maintainer", "teamIngestToken"] as const) {
      for (const deployment of [{ id: theirs.id }, { source: theirs.source, externalId: theirs.externalId }]) {
        const externalId = uniqueSlug("i");
        const answer = await send("POST /api/incidents", caller, "/api/incidents", {
          service: world.teamA.serviceSlug,
          title: "Cross",
          severity: "SEV2",
          openedAt: "2026-11-01T10:00:00Z",
          source: "matrix-x",
          externalId,
          deployment,
        });
        expect(answer.status, `${caller}: ${answer.message}`).toBe(403);
        expect(answer.message).toContain(world.teamB.serviceSlug);
        expect(await db.incident.count({ where: { source: "matrix-x", externalId } })).toBe(0);
      }
    }
    const incident = await db.incident.create({
      data: { serviceId: await serviceId(world.teamA.serviceSlug), title: "Cross", severity: "SEV3", openedAt: new Date("2026-11-01T10:00:00Z"), source: "matrix-x", externalId: uniqueSlug("i") },
    });
    for (const caller of ["member", "maintainer"] as const) {
      const answer = await send("PATCH /api/incidents/[id]", caller, `/api/incidents/${incident.id}`, { deployment: { id: theirs.id } }, { id: String(incident.id) });
      expect(answer.status).toBe(403);
    }
    expect(await db.incident.findUniqueOrThrow({ where: { id: incident.id } })).toEqual(incident);
    expect(await db.incident.count({ where: { deploymentId: theirs.id } })).toBe(0);
  });

  it("a team's maintainer cannot create a token for another team", async () => {
    const name = uniqueSlug("ci");
    const answer = await send("POST /api/tokens", "maintainer", "/api/tokens", { name, scopes: ["ingest"], team: world.teamB.slug });
    expect(answer.status).toBe(403);
    expect(await db.apiToken.count({ where: { name } })).toBe(0);
  });
});

describe("what a refusal gives away", () => {
  it("tells another team's maintainer the same thing for a token that exists and one that does not", async () => {
    const token = await createApiToken({ name: "b-token", scopes: ["ingest"], teamId: world.teamB.id, actor: { system: "test" } });
    const handler = await routeHandler("DELETE /api/tokens/[id]");
    const ask = async (id: string, caller: TCaller) => {
      const headers = new Headers(world.credentials[caller]);
      const response = await handler(new Request(`${TEST_ORIGIN}/api/tokens/${id}`, { method: "DELETE", headers }), { params: Promise.resolve({ id }) });
      const body = (await response.json()) as { error: { message: string } };
      return { status: response.status, message: body.error?.message };
    };
    const existing = await ask(String(token.id), "maintainer");
    const missing = await ask("99999999", "maintainer");
    expect(existing.status).toBe(403);
    expect(missing).toEqual(existing);
    // An admin may see everything, so learns it does not exist.
    expect((await ask("99999999", "admin")).status).toBe(404);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();
  });
});

describe("CSRF", () => {
  const build = () => ({ method: "POST", body: JSON.stringify({ name: "x", scopes: ["read"], team: world.teamA.slug }) });

  it("refuses a cookie-authenticated change from another site, or with no origin at all", async () => {
    const handler = await routeHandler("POST /api/tokens");
    const before = await db.apiToken.count();
    for (const extra of [{ origin: "https://evil.example" }, { origin: "null" }, {}] as Record<string, string>[]) {
      const headers = new Headers({ "content-type": "application/json", cookie: world.credentials.admin.cookie!, ...extra });
      const response = await handler(new Request(`${TEST_ORIGIN}/api/tokens`, { ...build(), headers }), { params: Promise.resolve({}) });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/Cross-site request refused/);
    }
    // Sec-Fetch-Site: same-origin stands in for a missing Origin.
    const headers = new Headers({ "content-type": "application/json", cookie: world.credentials.admin.cookie!, "sec-fetch-site": "same-origin" });
    const response = await handler(new Request(`${TEST_ORIGIN}/api/tokens`, { ...build(), headers }), { params: Promise.resolve({}) });
    expect(response.status).toBe(201);
    expect(await db.apiToken.count()).toBe(before + 1);
  });

  it("does not apply to API tokens, which browsers never send on their own", async () => {
    const { token } = await makeToken(["ingest"]);
    const handler = await routeHandler("POST /api/deployments");
    const response = await handler(
      new Request(`${TEST_ORIGIN}/api/deployments`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, origin: "https://ci.example" },
        body: JSON.stringify({ service: world.teamA.serviceSlug, environment: "production", status: "succeeded", source: "csrf", externalId: uniqueSlug("d"), startedAt: "2026-11-01T10:00:00Z", finishedAt: "2026-11-01T10:05:00Z" }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(201);
  });
});

describe("sessions", () => {
  it("stops working the moment they are revoked", async () => {
    const admin = await makeUser("ADMIN");
    const cookie = await sessionCookie(admin.email);
    await db.session.deleteMany({ where: { userId: admin.id } });
    const handler = await routeHandler("POST /api/tokens");
    const response = await handler(
      new Request(`${TEST_ORIGIN}/api/tokens`, { method: "POST", headers: { "content-type": "application/json", cookie, origin: TEST_ORIGIN }, body: JSON.stringify({ name: "x", scopes: ["read"] }) }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(401);
  });

  it("ignores a forged session cookie", async () => {
    const handler = await routeHandler("POST /api/tokens");
    const forged = `portside.session_token=${generateToken().token}.AAAA`;
    const response = await handler(
      new Request(`${TEST_ORIGIN}/api/tokens`, { method: "POST", headers: { "content-type": "application/json", cookie: forged, origin: TEST_ORIGIN }, body: JSON.stringify({ name: "x", scopes: ["read"] }) }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(401);
  });
});
