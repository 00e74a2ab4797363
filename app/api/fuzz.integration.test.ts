/**
 * Bad input on every mutating route, as an admin (or an organisation-wide
 * ingest token) so that authorization passes: NUL and lone surrogates in any
 * text field, ids beyond PostgreSQL's integer in paths and bodies, dates of
 * year 0, wrong types, huge and deep bodies, `__proto__` keys, and (for the
 * catalog import) alias bombs, deep YAML and javascript: links. Each must be a
 * 4xx that stores nothing; today's 500s came from the database refusing what
 * the schemas let through. The first test fails when a route file exports a
 * mutating handler this file does not attack.
 */
import { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { closeDb, db } from "@/lib/db";
import { uniqueSlug } from "@/lib/testing/fixtures";
import { mutatingRoutes, routeHandler, type TRouteHandler } from "@/lib/testing/routes";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";
import { randomAccountId } from "@/lib/testing/pipelines";

type THandler = TRouteHandler;
type TJson = null | boolean | number | string | TJson[] | { [key: string]: TJson };

/** Every name the fuzz's own rows carry starts with this, so that only they are counted (other test files run alongside). */
const P = uniqueSlug("fuzz");
const AT = "2026-01-05T10:00:00Z";
const LATER = "2026-01-05T10:10:00Z";
const SHA = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0";
const NUM_RUNS = 20;

interface TWorld {
  admin: { id: number; headers: Record<string, string> };
  token: { id: number; headers: Record<string, string> };
  team: { id: number; slug: string };
  service: { id: number; slug: string };
  deploymentId: number;
  incidentId: number;
  pipelineId: number;
  accountIds: { update: number; remove: number; updateAccountId: string };
  userId: number;
  memberId: number;
  tokenId: number;
  postmortemId: number;
  entryId: number;
  actionItemId: number;
}

interface TTarget {
  /** "METHOD /api/path/[param]" as the route file declares it. */
  route: string;
  caller: "admin" | "token";
  params: Record<string, string>;
  /** A body the route accepts; the attacks change one part of it. Absent: the route takes no body. */
  body?: TJson;
  /** Paths (dot-separated) of text fields, of ids and other numbers, and of timestamps in the body. */
  text?: string[];
  numbers?: string[];
  dates?: string[];
  /** Path parameters that are ids, and those that are text. */
  pathIds?: string[];
  pathText?: string[];
}

let world: TWorld;
const codepipeline = mockClient(CodePipelineClient);

function targets(w: TWorld): TTarget[] {
  return [
    {
      route: "POST /api/deployments",
      caller: "token",
      params: {},
      body: {
        service: w.service.slug,
        environment: "production",
        status: "succeeded",
        startedAt: AT,
        finishedAt: LATER,
        version: "1.2.3",
        source: P,
        externalId: `${P}-d`,
        url: "https://ci.example.com/runs/1",
        commits: [{ sha: SHA, committedAt: AT, message: "Fix the cart", url: "https://git.example.com/c/1" }],
      },
      text: ["service", "environment", "status", "version", "source", "externalId", "url", "commits.0.sha", "commits.0.message", "commits.0.url"],
      dates: ["startedAt", "finishedAt", "commits.0.committedAt"],
    },
    {
      route: "POST /api/events/aws",
      caller: "token",
      params: {},
      body: {
        version: "0",
        id: `${P}-evt`,
        "detail-type": "CodePipeline Pipeline Execution State Change",
        source: "aws.codepipeline",
        account: "123456789012",
        time: AT,
        region: "eu-west-1",
        resources: [`arn:aws:codepipeline:eu-west-1:123456789012:${P}`],
        detail: { pipeline: P, "execution-id": `${P}-exec`, state: "STARTED", version: 1, "start-time": AT },
      },
      text: ["version", "id", "detail-type", "source", "region", "resources.0", "detail.pipeline", "detail.execution-id", "detail.state"],
      dates: ["time", "detail.start-time"],
    },
    {
      route: "POST /api/tokens",
      caller: "admin",
      params: {},
      body: { name: `${P}-token`, scopes: ["ingest"], team: w.team.slug, expiresInDays: 30 },
      text: ["name", "scopes.0", "team"],
      numbers: ["expiresInDays"],
    },
    { route: "DELETE /api/tokens/[id]", caller: "admin", params: { id: String(w.tokenId) }, pathIds: ["id"] },
    {
      route: "POST /api/aws-accounts",
      caller: "admin",
      params: {},
      body: { accountId: "210987654321", name: `${P}-account`, regions: ["eu-west-1"], roleArn: "arn:aws:iam::210987654321:role/portside-read", externalId: `${P}-ext` },
      text: ["accountId", "name", "regions.0", "roleArn", "externalId"],
    },
    {
      route: "PUT /api/aws-accounts/[id]",
      caller: "admin",
      params: { id: String(w.accountIds.update) },
      body: { accountId: w.accountIds.updateAccountId, name: `${P}-renamed`, regions: ["eu-west-1", "us-east-1"] },
      text: ["accountId", "name", "regions.1"],
      pathIds: ["id"],
    },
    { route: "DELETE /api/aws-accounts/[id]", caller: "admin", params: { id: String(w.accountIds.remove) }, pathIds: ["id"] },
    { route: "PATCH /api/users/[id]", caller: "admin", params: { id: String(w.userId) }, body: { orgRole: "EXECUTIVE" }, text: ["orgRole"], pathIds: ["id"] },
    {
      route: "PUT /api/teams/[slug]/members",
      caller: "admin",
      params: { slug: w.team.slug },
      body: { email: `${P}-new@example.com`, role: "MEMBER" },
      text: ["email", "role"],
      pathText: ["slug"],
    },
    { route: "DELETE /api/teams/[slug]/members/[userId]", caller: "admin", params: { slug: w.team.slug, userId: String(w.memberId) }, pathIds: ["userId"], pathText: ["slug"] },
    {
      route: "POST /api/pipelines/[id]/approvals",
      caller: "admin",
      params: { id: String(w.pipelineId) },
      body: { stage: "Production", action: "Approve", decision: "Approved", comment: "Looks good" },
      text: ["stage", "action", "decision", "comment"],
      pathIds: ["id"],
    },
    {
      route: "POST /api/incidents",
      caller: "admin",
      params: {},
      body: { service: w.service.slug, title: "Cart 5xx", severity: "SEV3", openedAt: LATER, source: P, externalId: `${P}-i`, description: "Errors", deployment: { id: w.deploymentId } },
      text: ["service", "title", "severity", "source", "externalId", "description"],
      numbers: ["deployment.id"],
      dates: ["openedAt"],
    },
    {
      route: "PATCH /api/incidents/[id]",
      caller: "admin",
      params: { id: String(w.incidentId) },
      body: { title: "Cart 5xx, renamed", description: "More errors", acknowledgedAt: LATER, deployment: { id: w.deploymentId } },
      text: ["title", "description"],
      numbers: ["deployment.id"],
      dates: ["acknowledgedAt"],
      pathIds: ["id"],
    },
    // Postmortems: every write is audited, so the audit count below shows that a refused one stored nothing.
    { route: "POST /api/postmortems", caller: "admin", params: {}, body: { teamId: w.team.id, title: `${P} near miss` }, text: ["title"], numbers: ["teamId"] },
    {
      route: "PATCH /api/postmortems/[id]",
      caller: "admin",
      params: { id: String(w.postmortemId) },
      body: { version: 1, title: `${P} renamed`, marginBeforeMinutes: 60, impactStartedAt: AT },
      text: ["title"],
      numbers: ["version", "marginBeforeMinutes"],
      dates: ["impactStartedAt"],
      pathIds: ["id"],
    },
    {
      route: "PUT /api/postmortems/[id]/sections/[key]",
      caller: "admin",
      params: { id: String(w.postmortemId), key: "summary" },
      body: { baseVersion: 0, body: "What happened." },
      text: ["body"],
      numbers: ["baseVersion"],
      pathIds: ["id"],
      pathText: ["key"],
    },
    { route: "POST /api/postmortems/[id]/transitions", caller: "admin", params: { id: String(w.postmortemId) }, body: { action: "submit", version: 1, comment: "Ready" }, text: ["action", "comment"], numbers: ["version"], pathIds: ["id"] },
    { route: "POST /api/postmortems/[id]/comments", caller: "admin", params: { id: String(w.postmortemId) }, body: { body: "Why?", sectionKey: "summary" }, text: ["body", "sectionKey"], pathIds: ["id"] },
    { route: "POST /api/postmortems/[id]/timeline", caller: "admin", params: { id: String(w.postmortemId) }, body: { at: AT, text: "Paged the DBA" }, text: ["text"], dates: ["at"], pathIds: ["id"] },
    { route: "POST /api/postmortems/[id]/timeline/redraft", caller: "admin", params: { id: String(w.postmortemId) }, body: { marginBeforeMinutes: 60 }, numbers: ["marginBeforeMinutes"], pathIds: ["id"] },
    {
      route: "PATCH /api/postmortems/[id]/timeline/[entryId]",
      caller: "admin",
      params: { id: String(w.postmortemId), entryId: String(w.entryId) },
      body: { text: "Reworded", at: AT },
      text: ["text"],
      dates: ["at"],
      pathIds: ["id", "entryId"],
    },
    { route: "DELETE /api/postmortems/[id]/timeline/[entryId]", caller: "admin", params: { id: String(w.postmortemId), entryId: String(w.entryId) }, pathIds: ["id", "entryId"] },
    {
      route: "POST /api/postmortems/[id]/action-items",
      caller: "admin",
      params: { id: String(w.postmortemId) },
      body: { title: "Alarm on p99", ownerId: w.memberId, priority: "P2", dueDate: "2026-02-01", ticketUrl: "https://tickets.example.com/1" },
      text: ["title", "priority", "dueDate", "ticketUrl"],
      numbers: ["ownerId"],
      pathIds: ["id"],
    },
    {
      route: "PATCH /api/action-items/[id]",
      caller: "admin",
      params: { id: String(w.actionItemId) },
      body: { version: 1, title: "Alarm on p99, renamed", ownerId: w.memberId, status: "WONT_DO", statusReason: "Superseded" },
      text: ["title", "status", "statusReason"],
      numbers: ["version", "ownerId"],
      pathIds: ["id"],
    },
    { route: "PUT /api/postmortem-rules", caller: "admin", params: {}, body: { teamId: w.team.id, severities: ["SEV1"] }, numbers: ["teamId"] },
  ];
}

/** Routes that change state but are not ours to validate: better-auth's sign-in, callback and sign-out endpoints. */
const EXEMPT = new Set(["POST /api/auth/[...all]"]);
/** Attacked below with YAML of its own. */
const CATALOG_IMPORT = "POST /api/catalog/import";

// ---- what the attacks send

function insertAt(valid: string, inserted: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(fc.nat({ max: valid.length }), inserted, fc.string({ maxLength: 4 })).map(([at, bad, extra]) => `${valid.slice(0, at)}${bad}${extra}${valid.slice(at)}`);
}
const LONE_SURROGATE = fc.constantFrom("\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDE00\uD83D");
const OVERFLOW = fc.constantFrom(2_147_483_648, 4_294_967_296, 2 ** 53, 2 ** 63, 1e308, -2_147_483_649, -1, 0, 1.5);
const YEAR_ZERO = fc.constantFrom("0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "0000-12-31T23:59:59.999+00:00");
/** Stands for an array nested 10,000 deep, written into the JSON text as sent (a value that deep overflows fast-check's own printing). */
const DEEP = "<deeply nested array>";
const DEEP_JSON = `${"[".repeat(10_000)}"x"${"]".repeat(10_000)}`;
// Not null: some fields take null on purpose (a token for the organisation, no deployment).
const NOT_A_NUMBER = fc.constantFrom<TJson>(true, [], {}, ["x"], { nested: "x" }, "x".repeat(200_000), DEEP);
const WRONG_TYPE = fc.oneof(NOT_A_NUMBER, fc.constant<TJson>(42));
const BAD_PATH_ID = fc.constantFrom("2147483648", "4294967296", "9223372036854775808", "18446744073709551616", "0", "-1", "1.5", "1e3", "0x10", " 1", "\u0000", "1\u0000", "\uD800", "١", "99999999999999999999");
const BAD_PATH_TEXT = (valid: string) => fc.oneof(insertAt(valid, fc.constant("\u0000")), insertAt(valid, LONE_SURROGATE), fc.constant("s".repeat(300)));

type TAttack = { kind: "field"; field: string; value: TJson } | { kind: "path"; param: string; value: string } | { kind: "body"; text: string };

function get(body: TJson, field: string): TJson {
  return field.split(".").reduce<TJson>((at, key) => (at as Record<string, TJson>)[key]!, body);
}

function withField(body: TJson, field: string, value: TJson): TJson {
  const copy = structuredClone(body) as Record<string, TJson>;
  const keys = field.split(".");
  let at: Record<string, TJson> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, TJson>;
  at[keys.at(-1)!] = value;
  return copy;
}

function attacks(t: TTarget): fc.Arbitrary<TAttack> {
  const options: fc.Arbitrary<TAttack>[] = [];
  const field = (fields: string[] | undefined, values: (field: string) => fc.Arbitrary<TJson>) =>
    fields?.length ? options.push(fc.constantFrom(...fields).chain((f) => values(f).map((value): TAttack => ({ kind: "field", field: f, value })))) : 0;
  field(t.text, (f) => fc.oneof(insertAt(String(get(t.body!, f)), fc.constant("\u0000")), insertAt(String(get(t.body!, f)), LONE_SURROGATE), WRONG_TYPE, OVERFLOW));
  field(t.numbers, () => fc.oneof(OVERFLOW, NOT_A_NUMBER, insertAt("12", fc.constant("\u0000"))));
  field(t.dates, () => fc.oneof(YEAR_ZERO, WRONG_TYPE, insertAt(AT, fc.constant("\u0000"))));
  for (const param of t.pathIds ?? []) options.push(BAD_PATH_ID.map((value): TAttack => ({ kind: "path", param, value })));
  for (const param of t.pathText ?? []) options.push(BAD_PATH_TEXT(t.params[param]!).map((value): TAttack => ({ kind: "path", param, value })));
  if (t.body !== undefined) {
    // The whole body: another type, or nested deeper than anything reads.
    options.push(fc.constantFrom<TJson>("x", 42, null, [], true, DEEP).map((value): TAttack => ({ kind: "body", text: JSON.stringify(value) })));
  }
  return fc.oneof(...options);
}

/** The request an attack makes, with `__proto__` keys added (as JSON.parse keeps them: own properties) when asked. */
function requestFor(t: TTarget, attack: TAttack | null, isProtoKeyed = false): { request: Request; params: Record<string, string> } {
  const params = attack?.kind === "path" ? { ...t.params, [attack.param]: attack.value } : t.params;
  let text: string | undefined;
  if (attack?.kind === "body") text = attack.text;
  else if (t.body !== undefined) {
    text = JSON.stringify(attack?.kind === "field" ? withField(t.body, attack.field, attack.value) : t.body);
  }
  if (text !== undefined) {
    text = text.replaceAll(JSON.stringify(DEEP), DEEP_JSON);
    if (isProtoKeyed && text.startsWith("{")) text = `{"__proto__":{"isAdmin":true,"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`;
  }
  const credentials = t.caller === "admin" ? world.admin.headers : world.token.headers;
  const url = `${TEST_ORIGIN}${t.route.split(" ")[1]!.replace(/\[([^\]]+)\]/g, (_, name: string) => encodeURIComponent(params[name]!.replace(/[\uD800-\uDFFF]/g, "_")))}`;
  const headers = { ...credentials, ...(text === undefined ? {} : { "content-type": "application/json" }) };
  return { request: new Request(url, { method: t.route.split(" ")[0], headers, body: text }), params };
}

// ---- what must not change

/** The fuzz's own rows in every table a mutating route writes, and the audit events of its two callers. */
async function rows(): Promise<Record<string, number>> {
  const [counts] = await db.$queryRawUnsafe<Record<string, bigint>[]>(
    `SELECT
       (SELECT count(*) FROM "AuditEvent" WHERE "actorUserId" = $1 OR "actorTokenId" = $2) AS audit,
       (SELECT count(*) FROM "ApiToken" WHERE "createdById" = $1 AND "revokedAt" IS NULL) AS tokens,
       (SELECT count(*) FROM "Deployment" WHERE "serviceId" = $3) AS deployments,
       (SELECT count(*) FROM "Change" c JOIN "Deployment" d ON d.id = c."deploymentId" WHERE d."serviceId" = $3) AS changes,
       (SELECT count(*) FROM "Incident" WHERE "serviceId" = $3) AS incidents,
       (SELECT count(*) FROM "IncidentEvent" e JOIN "Incident" i ON i.id = e."incidentId" WHERE i."serviceId" = $3) AS "incidentEvents",
       (SELECT count(*) FROM "Membership" WHERE "teamId" = $4) AS memberships,
       (SELECT count(*) FROM "User" WHERE email LIKE $5 || '%') AS users,
       (SELECT count(*) FROM "AwsAccount" WHERE "accountId" IN ('210987654321', $6) OR name LIKE $5 || '%') AS accounts,
       (SELECT count(*) FROM "Team" WHERE slug LIKE $5 || '%') AS teams,
       (SELECT count(*) FROM "Service" WHERE slug LIKE $5 || '%') AS services,
       (SELECT count(*) FROM "CatalogEntity" WHERE name LIKE $5 || '%') AS entities,
       (SELECT count(*) FROM "EventReceipt" WHERE "eventId" LIKE $5 || '%') AS receipts,
       (SELECT count(*) FROM "Pipeline" WHERE name LIKE $5 || '%') AS pipelines`,
    world.admin.id,
    world.token.id,
    world.service.id,
    world.team.id,
    P,
    world.accountIds.updateAccountId,
  );
  return Object.fromEntries(Object.entries(counts!).map(([k, v]) => [k, Number(v)]));
}

/** Sends a request that must be refused: a 4xx with a message, and not one of the fuzz's rows changed. */
async function expectRefused(handler: THandler, request: Request, params: Record<string, string>, label: string): Promise<void> {
  const before = await rows();
  const response = await handler(request, { params: Promise.resolve(params) });
  const body = (await response.json()) as { error?: { message?: string } };
  expect(response.status, `${label} → ${JSON.stringify(body).slice(0, 500)}`).toBeGreaterThanOrEqual(400);
  expect(response.status, `${label} → ${JSON.stringify(body).slice(0, 500)}`).toBeLessThan(500);
  expect(body.error?.message, label).toBeTruthy();
  expect(await rows(), label).toEqual(before);
}

beforeAll(async () => {
  codepipeline.on(GetPipelineStateCommand).resolves({
    pipelineName: P,
    stageStates: [{ stageName: "Production", latestExecution: { pipelineExecutionId: "exec-1", status: "InProgress" }, actionStates: [{ actionName: "Approve", latestExecution: { status: "InProgress", token: "token-1" } }] }],
  });
  codepipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date(AT) });

  const team = await db.team.create({ data: { slug: `${P}-team`, name: "Fuzz" }, select: { id: true, slug: true } });
  const service = await db.service.create({ data: { slug: `${P}-svc`, name: "Fuzz", teamId: team.id }, select: { id: true, slug: true } });
  const deployment = await db.deployment.create({
    data: { serviceId: service.id, environment: "production", status: "SUCCEEDED", startedAt: new Date(AT), finishedAt: new Date(AT), source: P, externalId: `${P}-seed` },
    select: { id: true },
  });
  const incident = await db.incident.create({ data: { serviceId: service.id, title: "Seed", severity: "SEV3", openedAt: new Date(LATER), source: P, externalId: `${P}-seed` }, select: { id: true } });
  const awsAccountId = randomAccountId();
  const account = await db.awsAccount.create({ data: { accountId: awsAccountId, name: `${P}-pipelines`, regions: ["eu-west-1"] } });
  const pipeline = await db.pipeline.create({
    data: {
      awsAccountId: account.id,
      region: "eu-west-1",
      name: P,
      arn: `arn:aws:codepipeline:eu-west-1:${awsAccountId}:${P}`,
      serviceId: service.id,
      structure: [{ name: "Production", actions: [{ name: "Approve", category: "Approval", provider: "Manual", runOrder: 1 }] }],
    },
  });
  const removable = await db.awsAccount.create({ data: { accountId: randomAccountId(), name: `${P}-doomed`, regions: ["eu-west-1"] } });
  const admin = await makeUser("ADMIN");
  await db.user.update({ where: { id: admin.id }, data: { email: `${P}-admin@example.com` } });
  const user = await makeUser("VIEWER");
  const member = await makeUser("VIEWER", [{ teamId: team.id, role: "MEMBER" }]);
  const ingest = await createApiToken({ name: `${P}-ingest`, scopes: ["ingest"], actor: { system: "test" } });
  const doomedToken = await createApiToken({ name: `${P}-doomed`, scopes: ["read"], teamId: team.id, actor: { system: "test" } });
  const postmortem = await db.postmortem.create({ data: { teamId: team.id, title: `${P} postmortem` } });
  const entry = await db.postmortemTimelineEntry.create({ data: { postmortemId: postmortem.id, at: new Date(AT), source: "manual", text: "A note" } });
  const actionItem = await db.actionItem.create({ data: { postmortemId: postmortem.id, teamId: team.id, title: "Add a canary" } });
  world = {
    postmortemId: postmortem.id,
    entryId: entry.id,
    actionItemId: actionItem.id,
    admin: { id: admin.id, headers: { cookie: await sessionCookie(`${P}-admin@example.com`), origin: TEST_ORIGIN } },
    token: { id: ingest.id, headers: { authorization: `Bearer ${ingest.token}` } },
    team,
    service,
    deploymentId: deployment.id,
    incidentId: incident.id,
    pipelineId: pipeline.id,
    accountIds: { update: account.id, remove: removable.id, updateAccountId: awsAccountId },
    userId: user.id,
    memberId: member.id,
    tokenId: doomedToken.id,
  };
});

afterAll(closeDb);

describe("bad input on every mutating route", () => {
  it("attacks every mutating route", async () => {
    const attacked = new Set([...targets(world).map((t) => t.route), CATALOG_IMPORT]);
    const routes = await mutatingRoutes();
    expect(routes.filter((r) => !EXEMPT.has(r) && !attacked.has(r))).toEqual([]);
  });

  for (const name of ["POST /api/deployments", "POST /api/events/aws", "POST /api/tokens", "DELETE /api/tokens/[id]", "POST /api/aws-accounts", "PUT /api/aws-accounts/[id]", "DELETE /api/aws-accounts/[id]", "PATCH /api/users/[id]", "PUT /api/teams/[slug]/members", "DELETE /api/teams/[slug]/members/[userId]", "POST /api/pipelines/[id]/approvals", "POST /api/incidents", "PATCH /api/incidents/[id]"]) {
    it(`${name}: a 4xx naming the problem, nothing stored, and the untouched request still works`, async () => {
      const target = targets(world).find((t) => t.route === name)!;
      const handler = await routeHandler(name);
      await fc.assert(
        fc.asyncProperty(attacks(target), fc.boolean(), async (attack, isProtoKeyed) => {
          const { request, params } = requestFor(target, attack, isProtoKeyed);
          await expectRefused(handler, request, params, `${name} ${JSON.stringify(attack).slice(0, 200)}`);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { numRuns: NUM_RUNS },
      );
      if (target.body !== undefined) {
        // Past the 16 MiB a JSON body may have, sent without a length (as a chunked upload is).
        const huge = JSON.stringify({ ...(target.body as Record<string, TJson>), padding: "x".repeat(17 * 1024 * 1024) });
        await expectRefused(handler, requestFor(target, { kind: "body", text: huge }).request, target.params, `${name} huge`);
      }
      // The attacks were refused for what they changed: the request they started from goes through.
      const { request, params } = requestFor(target, null);
      const response = await handler(request, { params: Promise.resolve(params) });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
    }, 120_000);
  }

  it(`${CATALOG_IMPORT}: hostile YAML and URLs are a 4xx naming the problem, and nothing is imported`, async () => {
    const handler = await routeHandler(CATALOG_IMPORT);
    const component = (metadata: string) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${P}-web\n${metadata}spec:\n  type: service\n  lifecycle: production\n  owner: ${world.team.slug}\n`;
    const aliasBomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]`)].join("\n");
    const yaml = fc.oneof(
      insertAt("Shop front", fc.constant("\u0000")).map((t) => component(`  description: ${JSON.stringify(t)}\n`)),
      insertAt("Shop front", LONE_SURROGATE).map((t) => component(`  title: ${JSON.stringify(t)}\n`)),
      fc.constantFrom("javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd").chain((url) =>
        fc.constantFrom(component(`  links:\n    - url: ${JSON.stringify(url)}\n      title: Runbook\n`), component(`  annotations:\n    backstage.io/source-location: ${JSON.stringify(`url:${url}`)}\n`)),
      ),
      fc.constantFrom(
        aliasBomb,
        `a: ${"[".repeat(20_000)}${"]".repeat(20_000)}`,
        `${Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} 1`,
        Array.from({ length: 1001 }, (_, i) => component("").replace(`${P}-web`, `${P}-web-${i}`)).join("---\n"),
        component("").replace("kind: Component", "kind: [Component]"),
      ),
    );
    await fc.assert(
      fc.asyncProperty(yaml, async (text) => {
        const request = new Request(`${TEST_ORIGIN}/api/catalog/import`, { method: "POST", headers: { ...world.admin.headers, "content-type": "application/yaml" }, body: text });
        await expectRefused(handler, request, {}, `${CATALOG_IMPORT} ${JSON.stringify(text.slice(0, 200))}`);
      }),
      { numRuns: NUM_RUNS },
    );
    for (const url of ["javascript:alert(1)", "data:text/yaml,kind: Group", `http://127.0.0.1:1/\u0000`, "https://github.com/\uD800", 42, null]) {
      const request = new Request(`${TEST_ORIGIN}/api/catalog/import`, { method: "POST", headers: { ...world.admin.headers, "content-type": "application/json" }, body: JSON.stringify({ url }) });
      await expectRefused(handler, request, {}, `${CATALOG_IMPORT} url ${JSON.stringify(url)}`);
    }
  }, 120_000);
});
