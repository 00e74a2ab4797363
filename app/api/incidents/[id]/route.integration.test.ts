import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, PATCH } from "@/app/api/incidents/[id]/route";
import { POST } from "@/app/api/incidents/route";
import { closeDb, db } from "@/lib/db";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

type TAuth = Record<string, string>;
type TDetail = {
  id: number;
  status: string;
  resolvedAt: string | null;
  causedByChange: boolean | null;
  attribution: { source: string | null; deployment: { id: number } | null };
  timeline: { kind: string; message: string; actor: string | null }[];
  changed?: boolean;
};
type TError = { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } } };

let service: Awaited<ReturnType<typeof makeService>>;
let asToken: TAuth;
let asMember: TAuth;
let memberId: number;
let asAdmin: TAuth;
let asViewer: TAuth;
let asOtherMaintainer: TAuth;

beforeAll(async () => {
  service = await makeService();
  const other = await makeService();
  asToken = { authorization: `Bearer ${(await makeToken(["ingest"])).token}` };
  const member = await makeUser("VIEWER", [{ teamId: service.teamId, role: "MEMBER" }]);
  memberId = member.id;
  asMember = { cookie: await sessionCookie(member.email), origin: TEST_ORIGIN };
  asAdmin = { cookie: await sessionCookie((await makeUser("ADMIN")).email), origin: TEST_ORIGIN };
  asViewer = { cookie: await sessionCookie((await makeUser("VIEWER")).email), origin: TEST_ORIGIN };
  asOtherMaintainer = { cookie: await sessionCookie((await makeUser("VIEWER", [{ teamId: other.teamId, role: "MAINTAINER" }])).email), origin: TEST_ORIGIN };
});
afterAll(closeDb);

function patch(id: number | string, body: unknown, auth: TAuth = asMember) {
  return PATCH(
    new Request(`${TEST_ORIGIN}/api/incidents/${id}`, { method: "PATCH", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id: String(id) }) },
  );
}

function get(id: number | string, auth: TAuth = asViewer) {
  return GET(new Request(`${TEST_ORIGIN}/api/incidents/${id}`, { headers: auth }), { params: Promise.resolve({ id: String(id) }) });
}

async function deployment(finishedAt: string, environment = "production") {
  return db.deployment.create({
    data: { serviceId: service.serviceId, environment, status: "SUCCEEDED", startedAt: new Date(Date.parse(finishedAt) - 600_000), finishedAt: new Date(finishedAt), source: "ci", externalId: uniqueSlug("run") },
    select: { id: true },
  });
}

/** An incident reported through the API, attributed by the rule to whatever deployment finished in the day before noon. */
async function reported(overrides: Record<string, unknown> = {}): Promise<{ id: number; source: string }> {
  const source = typeof overrides.source === "string" ? overrides.source : uniqueSlug("pd");
  const response = await POST(
    new Request(`${TEST_ORIGIN}/api/incidents`, {
      method: "POST",
      headers: { "content-type": "application/json", ...asToken },
      body: JSON.stringify({ service: service.slug, title: "Search timeouts", severity: "SEV2", openedAt: "2026-11-20T12:00:00Z", source, externalId: "X1", ...overrides }),
    }),
    { params: Promise.resolve({}) },
  );
  const body = (await response.json()) as { incidents: { id: number }[] };
  return { id: body.incidents[0]!.id, source };
}

async function snapshot(id: number) {
  return db.incident.findUniqueOrThrow({ where: { id }, select: { status: true, acknowledgedAt: true, resolvedAt: true, deploymentId: true, attributionSource: true, causedByChange: true, severity: true } });
}

describe("PATCH /api/incidents/{id}", () => {
  it("acknowledges and resolves an incident for a member of its team, with the timeline and the audit log saying so", async () => {
    const { id } = await reported();
    const acked = await patch(id, { acknowledgedAt: "2026-11-20T12:03:00Z" });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ status: "acknowledged", changed: true });

    const resolved = await patch(id, { resolvedAt: "2026-11-20T12:30:00Z", causedByChange: false });
    const body = (await resolved.json()) as TDetail;
    expect(body).toMatchObject({ status: "resolved", resolvedAt: "2026-11-20T12:30:00.000Z", causedByChange: false });
    expect(body.timeline.map((e) => e.kind)).toEqual(["opened", "acknowledged", "resolved", "cause"]);
    expect(body.timeline.at(-1)!.actor).toMatch(/@example\.com$/);

    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Incident", entityId: String(id), action: "incident.update" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({
      actorUserId: memberId,
      before: { resolvedAt: null, causedByChange: null },
      after: { resolvedAt: "2026-11-20T12:30:00.000Z", causedByChange: false },
    });
  });

  it("re-attributes to another deployment, to none, and back to the rule; each change audited with before and after", async () => {
    const ruled = await deployment("2026-11-20T11:00:00Z");
    const chosen = await deployment("2026-11-19T20:00:00Z");
    const { id, source } = await reported();
    expect(await snapshot(id)).toMatchObject({ deploymentId: ruled.id, attributionSource: "RULE" });
    const audits = () => db.auditEvent.findMany({ where: { entityType: "Incident", entityId: String(id), action: "incident.update" }, orderBy: { id: "asc" }, select: { before: true, after: true } });

    const linked = (await (await patch(id, { deployment: { id: chosen.id } })).json()) as TDetail;
    expect(linked.attribution).toMatchObject({ source: "explicit", deployment: { id: chosen.id } });
    expect((await audits()).at(-1)).toEqual({
      before: { deploymentId: ruled.id, attributionSource: "RULE" },
      after: { deploymentId: chosen.id, attributionSource: "EXPLICIT" },
    });

    const none = (await (await patch(id, { deployment: null })).json()) as TDetail;
    expect(none.attribution).toEqual({ source: "explicit", deployment: null });
    expect((await audits()).at(-1)).toEqual({ before: { deploymentId: chosen.id }, after: { deploymentId: null } });

    // A later report from the incident tool does not undo a person's explicit choice.
    expect(await reported({ source, resolvedAt: "2026-11-20T13:00:00Z" })).toEqual({ id, source });
    expect(await snapshot(id)).toMatchObject({ status: "RESOLVED", deploymentId: null, attributionSource: "EXPLICIT" });

    const back = (await (await patch(id, { deployment: "rule" })).json()) as TDetail;
    expect(back.attribution).toMatchObject({ source: "rule", deployment: { id: ruled.id } });
    expect(back.timeline.filter((e) => e.kind === "attributed").map((e) => e.message)).toEqual([
      expect.stringMatching(/by the rule/),
      `Explicitly attributed to deployment #${chosen.id}`,
      "Explicitly attributed to no deployment",
      expect.stringMatching(/by the rule/),
    ]);
    // The report above changed resolvedAt only; the three re-attributions are the others.
    expect((await audits()).filter((a) => "deploymentId" in (a.after as object))).toHaveLength(3);
  });

  it("reopens a resolved incident when a person clears resolvedAt", async () => {
    const { id } = await reported({ resolvedAt: "2026-11-20T12:20:00Z" });
    const body = (await (await patch(id, { resolvedAt: null })).json()) as TDetail;
    expect(body.status).toBe("open");
    expect(body.timeline.map((e) => e.kind)).toContain("reopened");
  });

  it("changes nothing and records nothing when the patch says what is already stored", async () => {
    const { id } = await reported({ causedByChange: true });
    const before = await db.auditEvent.count({ where: { entityType: "Incident", entityId: String(id) } });
    expect(await (await patch(id, { causedByChange: true })).json()).toMatchObject({ changed: false });
    expect(await db.auditEvent.count({ where: { entityType: "Incident", entityId: String(id) } })).toBe(before);
  });

  it("answers 400 for bad input, naming each problem, and changes nothing", async () => {
    const { id } = await reported();
    const before = await snapshot(id);
    const bad = await patch(id, { resolvedAt: "tomorrow", severity: "SEV9", colour: "red" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as TError).error.details!.issues!.map((i) => i.path)).toEqual(["resolvedAt", "severity", "(root)"]);
    const early = await patch(id, { resolvedAt: "2026-11-20T11:00:00Z" });
    expect(early.status).toBe(400);
    expect(((await early.json()) as TError).error.details!.issues).toEqual([{ path: "resolvedAt", message: "is before the incident opened (2026-11-20T12:00:00.000Z)" }]);
    expect((await patch(id, {})).status).toBe(400);
    expect(await snapshot(id)).toEqual(before);

    const { id: resolved } = await reported({ resolvedAt: "2026-11-20T12:30:00Z" });
    const late = await patch(resolved, { acknowledgedAt: "2026-11-20T12:45:00Z" });
    expect(late.status).toBe(400);
    expect(((await late.json()) as TError).error.details!.issues).toEqual([{ path: "acknowledgedAt", message: "is after it was resolved (2026-11-20T12:30:00.000Z)" }]);
  });

  it("answers 422 for a link to a deployment that does not exist or is not in production", async () => {
    const { id } = await reported();
    const before = await snapshot(id);
    expect((await patch(id, { deployment: { id: 999_999_999 } })).status).toBe(422);
    const staging = await deployment("2026-11-20T11:30:00Z", "staging");
    expect((await patch(id, { deployment: { id: staging.id } })).status).toBe(422);
    expect(await snapshot(id)).toEqual(before);
  });

  it("answers 404 for an incident that does not exist, to members and admins alike", async () => {
    for (const auth of [asMember, asAdmin]) {
      expect((await patch(999_999_999, { causedByChange: false }, auth)).status).toBe(404);
      // Not an id at all (or beyond PostgreSQL's integer): 400 naming the path's id.
      expect((await patch("abc", { causedByChange: false }, auth)).status).toBe(400);
      expect((await patch("2147483648", { causedByChange: false }, auth)).status).toBe(400);
    }
  });

  it("refuses nobody signed in (401), viewers, another team's maintainer and API tokens (403), and changes nothing", async () => {
    const { id } = await reported();
    const before = await snapshot(id);
    expect((await patch(id, { causedByChange: false }, {})).status).toBe(401);
    for (const auth of [asViewer, asOtherMaintainer, asToken]) {
      const response = await patch(id, { causedByChange: false }, auth);
      expect(response.status).toBe(403);
    }
    // Who is asking comes before what they sent: another team learns nothing from a bad body either.
    expect((await patch(id, { severity: "SEV9" }, asOtherMaintainer)).status).toBe(403);
    expect(await snapshot(id)).toEqual(before);
    expect((await patch(id, { causedByChange: false }, asAdmin)).status).toBe(200);
  });
});

describe("GET /api/incidents/{id}", () => {
  it("shows one incident with its attribution and its timeline, oldest first", async () => {
    // Later than any other deployment of this file's service, and before noon: the rule's pick.
    const deployed = await deployment("2026-11-20T11:59:00Z");
    const { id } = await reported({ acknowledgedAt: "2026-11-20T12:10:00Z", resolvedAt: "2026-11-20T12:50:00Z", description: "p99 over 2 s" });
    const response = await get(id);
    expect(response.status).toBe(200);
    const body = (await response.json()) as TDetail & Record<string, unknown>;
    expect(body).toMatchObject({
      id,
      status: "resolved",
      durationSeconds: 3000,
      description: "p99 over 2 s",
      service: { slug: service.slug },
      attribution: { source: "rule", deployment: { id: deployed.id, status: "succeeded", finishedAt: "2026-11-20T11:59:00.000Z" } },
    });
    expect(body.timeline.map((e) => e.kind)).toEqual(["opened", "acknowledged", "resolved", "attributed"]);
  });

  it("answers 404 for an unknown id and 401 to nobody", async () => {
    expect((await get(999_999_999)).status).toBe(404);
    expect((await get("12abc")).status).toBe(400);
    expect((await get(1, {})).status).toBe(401);
  });
});
