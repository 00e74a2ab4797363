import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/incidents/route";
import { createApiToken } from "@/lib/auth/server/create-api-token";
import { closeDb, db } from "@/lib/db";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

type TAuth = Record<string, string>;
type TOutcome = {
  created: number;
  updated: number;
  unchanged: number;
  incidents: { index: number; id: number; result: string; status: string; deploymentId: number | null; attribution: string | null }[];
};
type TError = { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[]; unknownServices?: unknown; deploymentProblems?: unknown } } };

let service: Awaited<ReturnType<typeof makeService>>;
let other: Awaited<ReturnType<typeof makeService>>;
let asToken: TAuth;
let tokenId: number;
let asMember: TAuth;
let memberId: number;
let asViewer: TAuth;
let asOtherMaintainer: TAuth;

beforeAll(async () => {
  service = await makeService();
  other = await makeService();
  const token = await makeToken(["ingest"]);
  tokenId = token.id;
  asToken = { authorization: `Bearer ${token.token}` };
  const member = await makeUser("VIEWER", [{ teamId: service.teamId, role: "MEMBER" }]);
  memberId = member.id;
  asMember = { cookie: await sessionCookie(member.email), origin: TEST_ORIGIN };
  asViewer = { cookie: await sessionCookie((await makeUser("VIEWER")).email), origin: TEST_ORIGIN };
  asOtherMaintainer = { cookie: await sessionCookie((await makeUser("VIEWER", [{ teamId: other.teamId, role: "MAINTAINER" }])).email), origin: TEST_ORIGIN };
});
afterAll(closeDb);

function post(body: unknown, auth: TAuth = asToken) {
  return POST(
    new Request(`${TEST_ORIGIN}/api/incidents`, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify(body) }),
    { params: Promise.resolve({}) },
  );
}

function list(query: string, auth: TAuth = asViewer) {
  return GET(new Request(`${TEST_ORIGIN}/api/incidents?${query}`, { headers: auth }), { params: Promise.resolve({}) });
}

function incident(source: string, externalId: string, overrides: Record<string, unknown> = {}) {
  return { service: service.slug, title: "Checkout 5xx", severity: "SEV2", openedAt: "2026-11-20T12:00:00Z", source, externalId, ...overrides };
}

async function deployment(serviceId: number, finishedAt: string, overrides: { environment?: string; source?: string; externalId?: string } = {}) {
  return db.deployment.create({
    data: {
      serviceId,
      environment: overrides.environment ?? "production",
      status: "SUCCEEDED",
      startedAt: new Date(Date.parse(finishedAt) - 10 * 60_000),
      finishedAt: new Date(finishedAt),
      source: overrides.source ?? "ci",
      externalId: overrides.externalId ?? uniqueSlug("run"),
    },
    select: { id: true, source: true, externalId: true },
  });
}

async function stored(source: string) {
  return db.incident.findMany({
    where: { source },
    select: { id: true, status: true, openedAt: true, acknowledgedAt: true, resolvedAt: true, deploymentId: true, attributionSource: true, severity: true },
  });
}

async function timeline(incidentId: number) {
  return db.incidentEvent.findMany({ where: { incidentId }, orderBy: [{ at: "asc" }, { id: "asc" }], select: { kind: true, at: true, actor: true } });
}

describe("POST /api/incidents: who may record", () => {
  it("refuses nobody signed in (401), a read-only token, a viewer and another team's maintainer (403), and stores nothing", async () => {
    const source = uniqueSlug("pd");
    expect((await post(incident(source, "A"), {})).status).toBe(401);
    expect((await post(incident(source, "A"), { authorization: "Bearer psk_not-a-real-token" })).status).toBe(401);
    const readOnly = await makeToken(["read"]);
    expect((await post(incident(source, "A"), { authorization: `Bearer ${readOnly.token}` })).status).toBe(403);
    expect((await post(incident(source, "A"), asViewer)).status).toBe(403);
    const foreign = await post(incident(source, "A"), asOtherMaintainer);
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as TError).error.message).toMatch(/record incidents/);
    expect(await stored(source)).toEqual([]);
  });

  it("takes a team's ingest token for that team's services only", async () => {
    const source = uniqueSlug("pd");
    const own = await createApiToken({ name: uniqueSlug("t"), scopes: ["ingest"], teamId: service.teamId, actor: { system: "test" } });
    const foreign = await createApiToken({ name: uniqueSlug("t"), scopes: ["ingest"], teamId: other.teamId, actor: { system: "test" } });
    expect((await post(incident(source, "T1"), { authorization: `Bearer ${foreign.token}` })).status).toBe(403);
    expect(await stored(source)).toEqual([]);
    expect((await post(incident(source, "T1"), { authorization: `Bearer ${own.token}` })).status).toBe(201);
  });

  it("refuses a report that names another team's incident by its key, even for a service the caller's team owns", async () => {
    const source = uniqueSlug("pd");
    expect((await post(incident(source, "theirs"))).status).toBe(201);
    const before = await stored(source);
    const hijack = await post(incident(source, "theirs", { service: other.slug, severity: "SEV4", resolvedAt: "2026-11-20T12:01:00Z" }), asOtherMaintainer);
    expect(hijack.status).toBe(403);
    expect(await stored(source)).toEqual(before);
    const row = await db.incident.findFirstOrThrow({ where: { source }, select: { serviceId: true } });
    expect(row.serviceId).toBe(service.serviceId);
  });

  it("lets a member of the service's team record one from the portal, under their name", async () => {
    const source = uniqueSlug("manual");
    const response = await post(incident(source, "by-hand"), asMember);
    expect(response.status).toBe(201);
    const [row] = await stored(source);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Incident", entityId: String(row!.id) } });
    expect(audit).toMatchObject({ action: "incident.create", actorType: "USER", actorUserId: memberId });
    expect((await timeline(row!.id)).map((e) => e.actor)).toEqual([expect.stringMatching(/@example\.com$/)]);
  });
});

describe("POST /api/incidents: attribution", () => {
  it("attributes a new incident by the rule: the latest production deployment of its service that finished in the 24 h before", async () => {
    const own = await makeService();
    const neighbour = await makeService();
    const tooOld = await deployment(own.serviceId, "2026-11-19T11:59:59Z");
    const inWindow = await deployment(own.serviceId, "2026-11-20T09:00:00Z");
    await deployment(own.serviceId, "2026-11-20T11:00:00Z", { environment: "staging" });
    await deployment(own.serviceId, "2026-11-20T12:00:01Z");
    await deployment(neighbour.serviceId, "2026-11-20T11:30:00Z");
    const source = uniqueSlug("pd");
    const response = await post(incident(source, "P1", { service: own.slug }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as TOutcome;
    expect(body.incidents[0]).toMatchObject({ result: "created", status: "open", deploymentId: inWindow.id, attribution: "rule" });
    expect(tooOld.id).not.toBe(inWindow.id);
    const [row] = await stored(source);
    expect(row).toMatchObject({ deploymentId: inWindow.id, attributionSource: "RULE" });
    expect((await timeline(row!.id)).map((e) => e.kind)).toEqual(["opened", "attributed"]);
  });

  it("takes an explicit link (by source and external id) over the rule, and keeps it when later reports say nothing of it", async () => {
    const own = await makeService();
    const older = await deployment(own.serviceId, "2026-11-20T06:00:00Z", { source: "gha", externalId: uniqueSlug("run") });
    const newest = await deployment(own.serviceId, "2026-11-20T11:00:00Z");
    const source = uniqueSlug("pd");
    const linked = incident(source, "P2", { service: own.slug, deployment: { source: older.source, externalId: older.externalId } });
    expect(((await (await post(linked)).json()) as TOutcome).incidents[0]).toMatchObject({ deploymentId: older.id, attribution: "explicit" });
    const later = incident(source, "P2", { service: own.slug, resolvedAt: "2026-11-20T13:00:00Z" });
    expect(((await (await post(later)).json()) as TOutcome).incidents[0]).toMatchObject({ result: "updated", deploymentId: older.id, attribution: "explicit" });
    expect(newest.id).toBeGreaterThan(older.id);
  });

  it("answers 422 for a linked deployment that does not exist or is not in production, and stores nothing", async () => {
    const staging = await deployment(service.serviceId, "2026-11-20T11:00:00Z", { environment: "staging" });
    const source = uniqueSlug("pd");
    const response = await post({
      incidents: [incident(source, "ok"), incident(source, "ghost", { deployment: { id: 999_999_999 } }), incident(source, "stg", { deployment: { id: staging.id } })],
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as TError;
    expect(body.error.details?.deploymentProblems).toEqual([
      { path: "incidents.1.deployment", deployment: { id: 999_999_999 }, problem: "unknown" },
      { path: "incidents.2.deployment", deployment: { id: staging.id }, problem: "not production" },
    ]);
    expect(await stored(source)).toEqual([]);
  });
});

describe("POST /api/incidents: idempotency and order", () => {
  it("stores one incident and one timeline when the same report arrives twice; a resolution updates it", async () => {
    const source = uniqueSlug("pd");
    const report = incident(source, "P3", { acknowledgedAt: "2026-11-20T12:05:00Z" });
    expect((await post(report)).status).toBe(201);
    const [row] = await stored(source);
    const audits = () => db.auditEvent.count({ where: { entityType: "Incident", entityId: String(row!.id) } });
    const before = { events: await timeline(row!.id), audits: await audits() };

    const again = await post(report);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await timeline(row!.id)).toEqual(before.events);
    expect(await audits()).toBe(before.audits);

    const resolved = await post({ ...report, status: "resolved", resolvedAt: "2026-11-20T12:40:00Z" });
    expect(await resolved.json()).toMatchObject({ created: 0, updated: 1, incidents: [{ status: "resolved" }] });
    expect(await stored(source)).toEqual([expect.objectContaining({ status: "RESOLVED", resolvedAt: new Date("2026-11-20T12:40:00Z") })]);
    expect((await timeline(row!.id)).map((e) => e.kind)).toEqual(["opened", "acknowledged", "resolved"]);
    expect(await audits()).toBe(before.audits + 1);
  });

  it("does not let late, older reports reopen a resolved incident: any order of delivery ends in the same state", async () => {
    const triggered = (s: string) => incident(s, "P4", { status: "open" });
    const acknowledged = (s: string) => incident(s, "P4", { status: "acknowledged", acknowledgedAt: "2026-11-20T12:05:00Z" });
    const resolved = (s: string) => incident(s, "P4", { status: "resolved", acknowledgedAt: "2026-11-20T12:05:00Z", resolvedAt: "2026-11-20T13:00:00Z" });

    const inOrder = uniqueSlug("pd");
    for (const report of [triggered, acknowledged, resolved]) await post(report(inOrder));
    const reversed = uniqueSlug("pd");
    const outcomes: TOutcome[] = [];
    for (const report of [resolved, triggered, acknowledged, triggered]) outcomes.push((await (await post(report(reversed))).json()) as TOutcome);
    expect(outcomes.map((o) => o.incidents[0]!.result)).toEqual(["created", "unchanged", "unchanged", "unchanged"]);

    const [a] = await stored(inOrder);
    const [b] = await stored(reversed);
    expect({ ...b, id: 0 }).toEqual({ ...a, id: 0 });
    expect(b).toMatchObject({ status: "RESOLVED", acknowledgedAt: new Date("2026-11-20T12:05:00Z"), resolvedAt: new Date("2026-11-20T13:00:00Z") });
    expect((await timeline(b!.id)).map((e) => e.kind)).toEqual(["opened", "acknowledged", "resolved"]);
  });

  it("stores a batch once when it is posted twice", async () => {
    const source = uniqueSlug("pd");
    const batch = { incidents: Array.from({ length: 30 }, (_, i) => incident(source, `B${i}`, { severity: i % 2 ? "SEV1" : "SEV3" })) };
    const first = await post(batch);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ created: 30, updated: 0, unchanged: 0 });
    const second = await post(batch);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ created: 0, updated: 0, unchanged: 30 });
    expect(await db.incident.count({ where: { source } })).toBe(30);
    expect(await db.incidentEvent.count({ where: { incident: { source } } })).toBe(30);
  });

  it("stores one incident when the same new report arrives twice at the same moment", async () => {
    const source = uniqueSlug("pd");
    const responses = await Promise.all([post(incident(source, "race")), post(incident(source, "race"))]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 201]);
    const [row] = await stored(source);
    expect((await timeline(row!.id)).map((e) => e.kind)).toEqual(["opened"]);
  });
});

describe("POST /api/incidents: bad input", () => {
  it("answers 400 naming every problem of every item, and stores nothing, not even the good items", async () => {
    const source = uniqueSlug("pd");
    const response = await post({
      incidents: [
        incident(source, "good"),
        incident(source, "bad-1", { severity: "P1", resolvedAt: "2026-11-20T11:00:00Z" }),
        incident(source, "bad-2", { openedAt: "noon", causedByChange: "maybe", colour: "red" }),
      ],
    });
    expect(response.status).toBe(400);
    const issues = ((await response.json()) as TError).error.details!.issues!;
    expect(issues.map((i) => i.path)).toEqual([
      "incidents.1.severity",
      "incidents.1.resolvedAt",
      "incidents.2.openedAt",
      "incidents.2.causedByChange",
      "incidents.2",
    ]);
    expect(issues[1]!.message).toBe("is before openedAt");
    expect(issues[4]!.message).toMatch(/colour/);
    expect(await stored(source)).toEqual([]);
  });

  it("answers 422 for an unknown service, and stores nothing", async () => {
    const source = uniqueSlug("pd");
    const response = await post({ incidents: [incident(source, "ok"), incident(source, "lost", { service: "no-such-service" })] });
    expect(response.status).toBe(422);
    expect(((await response.json()) as TError).error.details?.unknownServices).toEqual([{ index: 1, service: "no-such-service" }]);
    expect(await stored(source)).toEqual([]);
  });

  it("records the token that made a change", async () => {
    const source = uniqueSlug("pd");
    await post(incident(source, "tok"));
    const [row] = await stored(source);
    expect(await db.auditEvent.findFirstOrThrow({ where: { entityType: "Incident", entityId: String(row!.id) } })).toMatchObject({
      action: "incident.create",
      actorType: "TOKEN",
      actorTokenId: tokenId,
    });
  });
});

describe("GET /api/incidents", () => {
  type TPage = { incidents: { id: number; status: string; externalId: string; service: { slug: string }; team: { slug: string } }[]; total: number; page: number; pageSize: number };

  it("lists open incidents first, then acknowledged, then resolved, newest first within each, filtered by service, status and team (with nested teams)", async () => {
    const parent = await db.team.create({ data: { slug: uniqueSlug("group"), name: "Group" } });
    const child = await db.team.create({ data: { slug: uniqueSlug("team"), name: "Child", parentId: parent.id } });
    const svc = await db.service.create({ data: { slug: uniqueSlug("svc"), name: "Nested", teamId: child.id } });
    const source = uniqueSlug("pd");
    const at = (h: number) => `2026-11-20T${String(h).padStart(2, "0")}:00:00Z`;
    await post({
      incidents: [
        incident(source, "resolved-new", { service: svc.slug, openedAt: at(10), resolvedAt: at(11) }),
        incident(source, "open-old", { service: svc.slug, openedAt: at(1) }),
        incident(source, "acked", { service: svc.slug, openedAt: at(9), acknowledgedAt: at(9) }),
        incident(source, "open-new", { service: svc.slug, openedAt: at(5) }),
      ],
    });
    const response = await list(`service=${svc.slug}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as TPage;
    expect(page.incidents.map((i) => i.externalId)).toEqual(["open-new", "open-old", "acked", "resolved-new"]);
    expect(page.incidents[0]).toMatchObject({ status: "open", service: { slug: svc.slug }, team: { slug: child.slug } });

    const byTeam = (await (await list(`team=${parent.slug}&status=unresolved`)).json()) as TPage;
    expect(byTeam.incidents.map((i) => i.externalId)).toEqual(["open-new", "open-old", "acked"]);
    const resolvedOnly = (await (await list(`team=${child.slug}&status=resolved`)).json()) as TPage;
    expect(resolvedOnly).toMatchObject({ total: 1, incidents: [{ externalId: "resolved-new" }] });
  });

  it("pages through long lists", async () => {
    const svc = await makeService();
    const source = uniqueSlug("pd");
    await post({ incidents: Array.from({ length: 53 }, (_, i) => incident(source, `I${i}`, { service: svc.slug })) });
    const first = (await (await list(`service=${svc.slug}`)).json()) as TPage;
    const second = (await (await list(`service=${svc.slug}&page=2`)).json()) as TPage;
    expect(first).toMatchObject({ total: 53, page: 1, pageSize: 50 });
    expect(first.incidents).toHaveLength(50);
    expect(second.incidents).toHaveLength(3);
    expect(new Set([...first.incidents, ...second.incidents].map((i) => i.id)).size).toBe(53);
  });

  it("answers 400 for a bad filter and 401 to nobody, and reads with a read-only token", async () => {
    const bad = await list("status=burning&page=0");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as TError).error.details!.issues!.map((i) => i.path)).toEqual(["status", "page"]);
    expect((await list("", {})).status).toBe(401);
    const reader = await makeToken(["read"]);
    expect((await list(`service=${service.slug}`, { authorization: `Bearer ${reader.token}` })).status).toBe(200);
  });
});
