import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATCH } from "@/app/api/incidents/[id]/route";
import { POST } from "@/app/api/incidents/route";
import { closeDb, db } from "@/lib/db";
import { findDoraRows } from "@/lib/dora/server/find-dora-rows";
import { drainDoraQueue } from "@/lib/dora/server/refresh-dora-facts";
import { makeService, makeTeamToken, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

/*
 * An incident of one team given to a deployment of another raises that
 * team's change fail rate: only someone who may manage that team's incidents
 * too (or an admin, or an organisation-wide token) may make the link, and the
 * other team sees who made it.
 */

type TAuth = Record<string, string>;
type TError = { error: { code: string; message: string } };

let payments: Awaited<ReturnType<typeof makeService>>;
let cart: Awaited<ReturnType<typeof makeService>>;
let cartDeployment: { id: number; source: string; externalId: string };
let paymentsDeployment: { id: number };
let asPaymentsMember: TAuth;
let asPaymentsToken: TAuth;
let asBothMember: TAuth;
let bothEmail: string;
let asAdmin: TAuth;
let asOrgToken: TAuth;

const NOW = Date.parse("2026-11-21T00:00:00Z");

async function deployment(serviceId: number) {
  return db.deployment.create({
    data: {
      serviceId,
      environment: "production",
      status: "SUCCEEDED",
      startedAt: new Date("2026-11-20T11:00:00Z"),
      finishedAt: new Date("2026-11-20T11:10:00Z"),
      source: "ci",
      externalId: uniqueSlug("run"),
    },
    select: { id: true, source: true, externalId: true },
  });
}

beforeAll(async () => {
  payments = await makeService();
  cart = await makeService();
  cartDeployment = await deployment(cart.serviceId);
  paymentsDeployment = await deployment(payments.serviceId);
  asPaymentsMember = { cookie: await sessionCookie((await makeUser("VIEWER", [{ teamId: payments.teamId, role: "MEMBER" }])).email), origin: TEST_ORIGIN };
  asPaymentsToken = { authorization: `Bearer ${(await makeTeamToken(payments.teamId, ["ingest"])).token}` };
  const both = await makeUser("VIEWER", [
    { teamId: payments.teamId, role: "MEMBER" },
    { teamId: cart.teamId, role: "MEMBER" },
  ]);
  bothEmail = both.email;
  asBothMember = { cookie: await sessionCookie(both.email), origin: TEST_ORIGIN };
  asAdmin = { cookie: await sessionCookie((await makeUser("ADMIN")).email), origin: TEST_ORIGIN };
  asOrgToken = { authorization: `Bearer ${(await makeToken(["ingest"])).token}` };
});
afterAll(closeDb);

function post(body: unknown, auth: TAuth) {
  return POST(
    new Request(`${TEST_ORIGIN}/api/incidents`, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify(body) }),
    { params: Promise.resolve({}) },
  );
}

function patch(id: number, body: unknown, auth: TAuth) {
  return PATCH(
    new Request(`${TEST_ORIGIN}/api/incidents/${id}`, { method: "PATCH", headers: { "content-type": "application/json", ...auth }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id: String(id) }) },
  );
}

function incident(source: string, deployment: unknown) {
  return { service: payments.slug, title: "Card declines", severity: "SEV2", openedAt: "2026-11-20T12:00:00Z", source, externalId: "P1", deployment };
}

const linkedTo = (deploymentId: number) => db.incident.count({ where: { deploymentId } });

describe("POST /api/incidents with another team's deployment", () => {
  it("is refused (403, nothing stored) to a member of the incident's team only, by id or by key, and to that team's token", async () => {
    for (const [auth, ref] of [
      [asPaymentsMember, { id: cartDeployment.id }],
      [asPaymentsMember, { source: cartDeployment.source, externalId: cartDeployment.externalId }],
      [asPaymentsToken, { id: cartDeployment.id }],
    ] as const) {
      const source = uniqueSlug("pd");
      const auditBefore = await db.auditEvent.count();
      const response = await post(incident(source, ref), auth);
      const body = (await response.json()) as TError;
      expect(response.status, JSON.stringify(body)).toBe(403);
      expect(body.error.message).toContain(cart.slug);
      expect(await db.incident.count({ where: { source } })).toBe(0);
      expect(await db.auditEvent.count()).toBe(auditBefore);
    }
    expect(await linkedTo(cartDeployment.id)).toBe(0);
  });

  it("still links to a deployment of the incident's own team, for its members and its token", async () => {
    for (const auth of [asPaymentsMember, asPaymentsToken]) {
      const response = await post(incident(uniqueSlug("pd"), { id: paymentsDeployment.id }), auth);
      expect(response.status).toBe(201);
    }
  });

  it("is allowed to someone who may manage both teams' incidents, to an admin and to an organisation-wide token", async () => {
    for (const auth of [asBothMember, asAdmin, asOrgToken]) {
      const source = uniqueSlug("pd");
      const response = await post(incident(source, { id: cartDeployment.id }), auth);
      expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
      expect((await db.incident.findFirstOrThrow({ where: { source } })).deploymentId).toBe(cartDeployment.id);
    }
  });
});

describe("PATCH /api/incidents/{id} to another team's deployment", () => {
  it("is refused (403) to a member of the incident's team only, and changes nothing", async () => {
    const source = uniqueSlug("pd");
    expect((await post(incident(source, null), asPaymentsMember)).status).toBe(201);
    const { id } = await db.incident.findFirstOrThrow({ where: { source }, select: { id: true } });
    const before = await db.incident.findUniqueOrThrow({ where: { id } });
    const auditBefore = await db.auditEvent.count();
    const response = await patch(id, { deployment: { id: cartDeployment.id } }, asPaymentsMember);
    const body = (await response.json()) as TError;
    expect(response.status, JSON.stringify(body)).toBe(403);
    expect(body.error.message).toContain(cart.slug);
    expect(await db.incident.findUniqueOrThrow({ where: { id } })).toEqual(before);
    expect(await db.auditEvent.count()).toBe(auditBefore);
  });

  it("is allowed to someone who may manage both, and the other team sees on its deployment who made the link", async () => {
    const source = uniqueSlug("pd");
    expect((await post(incident(source, null), asPaymentsMember)).status).toBe(201);
    const { id } = await db.incident.findFirstOrThrow({ where: { source }, select: { id: true } });
    const response = await patch(id, { deployment: { id: cartDeployment.id } }, asBothMember);
    expect(response.status).toBe(200);
    expect((await db.incident.findUniqueOrThrow({ where: { id } })).deploymentId).toBe(cartDeployment.id);

    await drainDoraQueue();
    const rows = await findDoraRows({
      query: { service: cart.slug, environment: "production", metric: "deploymentFrequency", from: "2026-11-01", to: "2026-11-20", page: 1, pageSize: 50 },
      now: NOW,
    });
    const row = rows.rows.find((r) => r.deploymentId === cartDeployment.id);
    const linked = row?.incidents.find((i) => i.id === id);
    expect(linked?.attributionSource).toBe("EXPLICIT");
    expect(linked?.attributedBy).toBe(bothEmail);
  });
});
