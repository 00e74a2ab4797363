/** Deployments that arrive after the incidents they may have caused, through the real routes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postDeployments } from "@/app/api/deployments/route";
import { POST as postIncidents } from "@/app/api/incidents/route";
import { PATCH } from "@/app/api/incidents/[id]/route";
import { closeDb, db } from "@/lib/db";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

let authorization: string;

beforeAll(async () => {
  authorization = `Bearer ${(await makeToken(["ingest"])).token}`;
});
afterAll(closeDb);

const json = (body: unknown, headers: Record<string, string> = { authorization }) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

async function deploy(service: string, finishedAt: string, environment = "production") {
  const response = await postDeployments(
    new Request(`${TEST_ORIGIN}/api/deployments`, json({ service, environment, status: "succeeded", startedAt: new Date(Date.parse(finishedAt) - 600_000).toISOString(), finishedAt, source: "ci", externalId: uniqueSlug("run") })),
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { deployments: { id: number }[] }).deployments[0]!.id;
}

async function open(service: string, openedAt: string, extra: Record<string, unknown> = {}) {
  const response = await postIncidents(
    new Request(`${TEST_ORIGIN}/api/incidents`, json({ service, title: "Errors", severity: "SEV2", openedAt, source: "pd", externalId: uniqueSlug("inc"), ...extra })),
    { params: Promise.resolve({}) },
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { incidents: { id: number }[] }).incidents[0]!.id;
}

const attribution = (id: number) => db.incident.findUniqueOrThrow({ where: { id }, select: { deploymentId: true, attributionSource: true } });

describe("a deployment recorded after the incident", () => {
  it("takes the incident when it is now the latest production deployment before it; staging and other services change nothing", async () => {
    const svc = await makeService();
    const neighbour = await makeService();
    const incident = await open(svc.slug, "2026-11-20T12:00:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: null, attributionSource: null });

    await deploy(svc.slug, "2026-11-20T11:00:00Z", "staging");
    await deploy(neighbour.slug, "2026-11-20T11:00:00Z");
    await deploy(svc.slug, "2026-11-20T12:30:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: null, attributionSource: null });

    const early = await deploy(svc.slug, "2026-11-20T06:00:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: early, attributionSource: "RULE" });
    const later = await deploy(svc.slug, "2026-11-20T11:30:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: later, attributionSource: "RULE" });
    // Older than the one it has: no change.
    await deploy(svc.slug, "2026-11-20T08:00:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: later, attributionSource: "RULE" });

    const events = await db.incidentEvent.findMany({ where: { incidentId: incident, kind: "attributed" }, orderBy: { id: "asc" }, select: { actor: true, data: true } });
    expect(events.map((e) => (e.data as { deploymentId: number }).deploymentId)).toEqual([early, later]);
    expect(events[0]!.actor).toBe("Portside (attribution rule)");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { entityType: "Incident", entityId: String(incident), action: "incident.update" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorType: "SYSTEM", before: { deploymentId: early }, after: { deploymentId: later, via: "attribution rule" } });
  });

  it("leaves an incident a person linked explicitly, even to no deployment", async () => {
    const svc = await makeService();
    const incident = await open(svc.slug, "2026-11-20T12:00:00Z");
    const member = await makeUser("VIEWER", [{ teamId: svc.teamId, role: "MEMBER" }]);
    const response = await PATCH(
      new Request(`${TEST_ORIGIN}/api/incidents/${incident}`, {
        method: "PATCH",
        headers: { "content-type": "application/json", cookie: await sessionCookie(member.email), origin: TEST_ORIGIN },
        body: JSON.stringify({ deployment: null }),
      }),
      { params: Promise.resolve({ id: String(incident) }) },
    );
    expect(response.status).toBe(200);
    await deploy(svc.slug, "2026-11-20T11:00:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: null, attributionSource: "EXPLICIT" });
  });

  it("gives the incident back when the deployment it had turns out to have finished after it began", async () => {
    const svc = await makeService();
    const first = await deploy(svc.slug, "2026-11-20T09:00:00Z");
    const externalId = uniqueSlug("run");
    const send = (finishedAt: string) =>
      postDeployments(new Request(`${TEST_ORIGIN}/api/deployments`, json({ service: svc.slug, environment: "production", status: "succeeded", startedAt: "2026-11-20T10:00:00Z", finishedAt, source: "ci", externalId })));
    const second = ((await (await send("2026-11-20T11:00:00Z")).json()) as { deployments: { id: number }[] }).deployments[0]!.id;
    const incident = await open(svc.slug, "2026-11-20T12:00:00Z");
    expect(await attribution(incident)).toEqual({ deploymentId: second, attributionSource: "RULE" });
    // The CI system corrects the finish time: it finished after the incident began.
    expect((await send("2026-11-20T12:10:00Z")).status).toBe(200);
    expect(await attribution(incident)).toEqual({ deploymentId: first, attributionSource: "RULE" });
  });
});
