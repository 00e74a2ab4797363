/**
 * A hand-built history (the worked example of docs/metrics.md) posted
 * through POST /api/deployments, its incidents stored as the incidents API
 * stores them, and the answers read back from GET /api/dora, /trend and /rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postDeployments } from "@/app/api/deployments/route";
import { GET as getDora } from "@/app/api/dora/route";
import { GET as getRows } from "@/app/api/dora/rows/route";
import { GET as getTrend } from "@/app/api/dora/trend/route";
import { closeDb, db } from "@/lib/db";
import type { TDoraRows, TDoraSummary, TDoraTrend } from "@/lib/dora/schemas";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Day 0 of the example: midnight UTC 20 days ago, so that every time is in the past.
const D0 = Math.floor(Date.now() / DAY) * DAY - 20 * DAY;
const t = (day: number, hours: number) => new Date(D0 + day * DAY + hours * HOUR).toISOString();
const date = (day: number) => new Date(D0 + day * DAY).toISOString().slice(0, 10);
const sha = (name: string) => `${name.charCodeAt(0).toString(16)}${"0".repeat(38)}`;

let service: Awaited<ReturnType<typeof makeService>>;
let teamSlug: string;
let cookie: string;
const ids = new Map<string, number>();

beforeAll(async () => {
  service = await makeService();
  teamSlug = (await db.team.findUniqueOrThrow({ where: { id: service.teamId }, select: { slug: true } })).slug;
  cookie = await sessionCookie((await makeUser("VIEWER")).email);
  const { token } = await makeToken(["ingest"]);
  const source = uniqueSlug("ci");
  const dep = (name: string, status: string, finishedDay: number | null, finishedHours: number, commits: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    service: service.slug,
    environment: "prod",
    status,
    startedAt: finishedDay === null ? t(6, 23) : new Date(Date.parse(t(finishedDay, finishedHours)) - 10 * 60_000).toISOString(),
    ...(finishedDay === null ? {} : { finishedAt: t(finishedDay, finishedHours) }),
    source,
    externalId: name,
    commits,
    ...extra,
  });
  const commit = (name: string, day: number, hours: number) => ({ sha: sha(name), committedAt: t(day, hours) });
  const deployments = [
    dep("d12", "succeeded", -1, 10, [commit("a", -1, 8)]),
    dep("d1", "succeeded", 0, 10, [commit("a", -1, 8), commit("b", 0, 4), { sha: sha("u") }]),
    dep("d2", "failed", 1, 10, [commit("c", 1, 9)]),
    dep("d3", "succeeded", 1, 12, [commit("c", 1, 9), commit("a", -1, 8)]),
    dep("d4", "succeeded", 2, 10, [commit("e", 2, 9)]),
    dep("d5", "succeeded", 2, 12, [{ sha: sha("f"), authoredAt: t(2, 11) }], { startedAt: t(2, 11.5) }),
    dep("d6", "rolled_back", 3, 10, [commit("g", 3, 9)]),
    dep("d7", "succeeded", 4, 10, [commit("g", 3, 9)], { planned: false, fixesIncident: "pagerduty:PX1" }),
    dep("d8", "succeeded", 5, 10, []),
    dep("d9", "failed", 6, 10, []),
    dep("d10", "in_progress", null, 0, []),
    dep("d11", "succeeded", 0, 5, [commit("h", 0, 1)], { environment: "staging" }),
  ];
  // Out of order, in two batches: the figures must not care.
  for (const batch of [deployments.slice(6), deployments.slice(0, 6)]) {
    const response = await postDeployments(
      new Request(`${TEST_ORIGIN}/api/deployments`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ deployments: batch }) }),
    );
    expect(response.status, await response.clone().text()).toBe(201);
    const body = (await response.json()) as { deployments: { externalId: string; id: number }[] };
    for (const d of body.deployments) ids.set(d.externalId, d.id);
  }
  // Incidents as the incidents API stores them (built in parallel): one attributed to d4, one to d8 but not caused by a change.
  await db.incident.createMany({
    data: [
      { serviceId: service.serviceId, title: "5xx spike", severity: "SEV2", status: "RESOLVED", openedAt: new Date(t(2, 11)), resolvedAt: new Date(t(2, 13)), source: source, externalId: "i1", deploymentId: ids.get("d4")!, attributionSource: "RULE" },
      { serviceId: service.serviceId, title: "AWS outage", severity: "SEV2", status: "RESOLVED", openedAt: new Date(t(5, 11)), resolvedAt: new Date(t(5, 12)), source: source, externalId: "i2", deploymentId: ids.get("d8")!, attributionSource: "RULE", causedByChange: false },
    ],
  });
});
afterAll(closeDb);

async function call<T>(handler: typeof getDora, path: string, headers: Record<string, string> = { cookie }) {
  const response = await handler(new Request(`${TEST_ORIGIN}${path}`, { headers }), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as T & { error?: { code: string; details?: { issues: { path: string }[] } } } };
}

const window = () => `from=${date(0)}&to=${date(6)}`;

describe("GET /api/dora", () => {
  it("answers the worked example exactly for the service", async () => {
    const { status, body } = await call<TDoraSummary>(getDora, `/api/dora?service=${service.slug}&${window()}&minSamples=1`);
    expect(status).toBe(200);
    const m = body.current;
    expect(body.scope).toEqual({ kind: "service", slug: service.slug, name: service.slug });
    expect(body.method.percentiles).toBe("exact");
    expect(m.window).toEqual({ from: date(0), to: date(6), days: 7 });
    expect(m.deploymentFrequency).toMatchObject({ deployments: 9, deploymentDays: 7, medianDeploymentDaysPerWeek: 7, band: "elite", bandYear: 2024, sampleSize: 9 });
    expect(m.deploymentFrequency.value).toBeCloseTo(9 / 7, 12);
    expect(m.leadTime).toMatchObject({ median: 10_800, value: 10_800, sampleSize: 5, unknownCommits: 1, coverage: { known: 5, deployments: 6, ratio: 5 / 6 }, band: "elite" });
    expect(m.leadTime.p90).toBeCloseTo(62_640, 6);
    expect(m.changeFailRate).toMatchObject({ numerator: 4, deployments: 9, band: "low" });
    expect(m.changeFailRate.value).toBeCloseTo(4 / 9, 12);
    expect(m.recoveryTime).toMatchObject({ median: 7200, sampleSize: 3, unrecovered: 1, band: "high" });
    expect(m.recoveryTime.p90).toBeCloseTo(70_560, 6);
    expect(m.reworkRate).toMatchObject({ numerator: 2, deployments: 9, band: null });
    expect(m.reworkRate.value).toBeCloseTo(2 / 9, 12);
    // The week before holds d12 alone: one deployment, commit a's lead time of 2 h.
    expect(body.previous.window).toEqual({ from: date(-7), to: date(-1), days: 7 });
    expect(body.previous.deploymentFrequency.deployments).toBe(1);
    expect(body.previous.leadTime.median).toBe(7200);
    expect(body.previous.changeFailRate.value).toBe(0);
    expect(body.previous.recoveryTime.value).toBeNull();
  });

  it("gives the team the same counts, percentiles within 1%, and low confidence below the minimum sample", async () => {
    const { status, body } = await call<TDoraSummary>(getDora, `/api/dora?team=${teamSlug}&${window()}&bands=2023`);
    expect(status).toBe(200);
    const m = body.current;
    expect(body.method.percentiles).toBe("histogram");
    expect(m.deploymentFrequency).toMatchObject({ deployments: 9, deploymentDays: 7, medianDeploymentDaysPerWeek: 7, isLowSample: true, band: null, bandYear: 2023 });
    expect(m.changeFailRate).toMatchObject({ numerator: 4, deployments: 9, isLowSample: true, band: null });
    expect(Math.abs(m.leadTime.median! - 10_800) / 10_800).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m.leadTime.p90! - 62_640) / 62_640).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m.recoveryTime.median! - 7200) / 7200).toBeLessThanOrEqual(0.01);
    expect(m.recoveryTime.unrecovered).toBe(1);
    expect(m.reworkRate.numerator).toBe(2);
  });

  it("counts staging on its own, and has no data (null, not 0) for an empty window", async () => {
    const staging = await call<TDoraSummary>(getDora, `/api/dora?service=${service.slug}&${window()}&environment=staging&minSamples=1`);
    expect(staging.body.current.deploymentFrequency.deployments).toBe(1);
    expect(staging.body.current.leadTime.median).toBe(4 * 3600);
    const empty = await call<TDoraSummary>(getDora, `/api/dora?service=${service.slug}&from=${date(-100)}&to=${date(-90)}`);
    expect(empty.status).toBe(200);
    for (const key of ["deploymentFrequency", "leadTime", "changeFailRate", "recoveryTime", "reworkRate"] as const) expect(empty.body.current[key].value).toBeNull();
  });

  it("refuses bad queries with every problem at once, and unknown scopes with 404", async () => {
    const bad = await call<TDoraSummary>(getDora, `/api/dora?team=x&service=y&window=13&bands=2019&minSamples=0&extra=1`);
    expect(bad.status).toBe(400);
    expect(bad.body.error!.code).toBe("INVALID_INPUT");
    const paths = bad.body.error!.details!.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["window", "bands", "minSamples"]));
    expect(bad.body.error!.details!.issues.length).toBeGreaterThanOrEqual(4);
    const halfWindow = await call<TDoraSummary>(getDora, `/api/dora?from=${date(0)}`);
    expect(halfWindow.status).toBe(400);
    const backwards = await call<TDoraSummary>(getDora, `/api/dora?from=${date(3)}&to=${date(0)}`);
    expect(backwards.status).toBe(400);
    expect((await call<TDoraSummary>(getDora, `/api/dora?team=${uniqueSlug("nobody")}`)).status).toBe(404);
    expect((await call<TDoraSummary>(getDora, `/api/dora`, {})).status).toBe(401);
  });
});

describe("GET /api/dora/rows", () => {
  it("lists the failures behind the fail rate, newest first, with their incidents, a page at a time", async () => {
    const { status, body } = await call<TDoraRows>(getRows, `/api/dora/rows?metric=changeFailRate&service=${service.slug}&${window()}&pageSize=3`);
    expect(status).toBe(200);
    expect(body.total).toBe(4);
    expect(body.rows.map((r) => r.deploymentId)).toEqual([ids.get("d9"), ids.get("d6"), ids.get("d4")]);
    expect(body.rows[2]!.incidents.map((i) => i.title)).toEqual(["5xx spike"]);
    expect(body.rows[2]!.recoverySeconds).toBe(7200);
    expect(body.rows[0]!.isUnrecovered).toBe(true);
    const next = await call<TDoraRows>(getRows, `/api/dora/rows?metric=changeFailRate&service=${service.slug}&${window()}&pageSize=3&page=2`);
    expect(next.body.rows.map((r) => r.deploymentId)).toEqual([ids.get("d2")]);
    const lead = await call<TDoraRows>(getRows, `/api/dora/rows?metric=leadTime&team=${teamSlug}&${window()}`);
    expect(lead.body.rows.find((r) => r.deploymentId === ids.get("d1"))).toMatchObject({ leadTimes: [6 * 3600], unknownCommits: 1 });
    expect((await call<TDoraRows>(getRows, `/api/dora/rows?service=${service.slug}`)).status).toBe(400);
  });
});

describe("GET /api/dora/trend", () => {
  it("gives weekly buckets, oldest first, that hold every production deployment once", async () => {
    const { status, body } = await call<TDoraTrend>(getTrend, `/api/dora/trend?service=${service.slug}&bucket=week&count=5`);
    expect(status).toBe(200);
    expect(body.points).toHaveLength(5);
    expect(body.points.reduce((n, p) => n + p.deploymentFrequency.deployments, 0)).toBe(10);
    expect(body.points.map((p) => p.window.from)).toEqual([...body.points.map((p) => p.window.from)].sort());
    expect((await call<TDoraTrend>(getTrend, `/api/dora/trend?bucket=day`)).status).toBe(400);
  });
});
