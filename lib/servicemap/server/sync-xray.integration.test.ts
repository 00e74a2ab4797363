/**
 * syncXray and the map aggregation against a real PostgreSQL, with X-Ray
 * answered by an in-memory fake (aws-sdk-client-mock, SDK-typed responses).
 */
import { XRayClient, type Service } from "@aws-sdk/client-xray";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db, getPool } from "@/lib/db";
import { rollUpBuckets } from "@/lib/servicemap/bucket-store";
import { REGION, serveFakeXray, syntheticGraph } from "@/lib/testing/aws/fake-xray";
import { aggregateServiceGraph, focusGraph, getServiceMap } from "@/lib/servicemap/server/get-service-map";
import { syncXray } from "@/lib/servicemap/server/sync-xray";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const HOUR = 3600_000;
/** Raw rows are kept 48 hours (the default): a "now" this far after a cutoff makes the cutoff the raw boundary. */
const RETENTION = 48 * HOUR;

async function world(options: { nodes: number; edges: number }) {
  const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
  const group = uniqueSlug("g").slice(0, 32);
  const prefix = `${uniqueSlug("x")}-`;
  const graph = syntheticGraph({ ...options, prefix, seed: 11 });
  const client = new XRayClient({ region: REGION });
  const mock = mockClient(client);
  serveFakeXray(mock, {
    groups: [{ GroupName: group, GroupARN: `arn:aws:xray:${REGION}:${accountId}:group/${group}/X` }],
    // The Default group stays empty here, so tests sharing the database do not meet there.
    graph: (name, start) => (name === group ? graph.services(start) : []),
    pageSize: 7,
  });
  return { accountId, group, prefix, graph, client, mock };
}

/** What X-Ray reported for [from, to), summed per node name: the truth the stored buckets must add up to. */
function rawTotals(services: (start: Date) => Service[], from: number, to: number) {
  const totals = new Map<string, { requests: number; faults: number; errors: number; throttles: number }>();
  for (let t = from; t < to; t += 300_000) {
    for (const s of services(new Date(t))) {
      if (!s.SummaryStatistics) continue;
      const sum = totals.get(s.Name!) ?? { requests: 0, faults: 0, errors: 0, throttles: 0 };
      const st = s.SummaryStatistics;
      sum.requests += st.TotalCount ?? 0;
      sum.faults += st.FaultStatistics?.TotalCount ?? 0;
      sum.throttles += st.ErrorStatistics?.ThrottleCount ?? 0;
      sum.errors += (st.ErrorStatistics?.TotalCount ?? 0) - (st.ErrorStatistics?.ThrottleCount ?? 0);
      totals.set(s.Name!, sum);
    }
  }
  return totals;
}

function storedTotals(graph: Awaited<ReturnType<typeof aggregateServiceGraph>>) {
  return new Map(graph.nodes.filter((n) => n.type !== "client").map((n) => [n.name, { requests: n.requests, faults: n.faults, errors: n.errors, throttles: n.throttles }]));
}

describe("syncXray", () => {
  it("stores 5-minute buckets (every page), records the run, and a second run is idempotent", async () => {
    const w = await world({ nodes: 12, edges: 20 });
    const now = new Date("2026-11-02T12:03:00Z");
    const [outcome] = await syncXray({ accountId: w.accountId, createClient: () => w.client, now, backfillMs: 3 * HOUR, lagMs: 2 * 60_000 });
    expect(outcome).toMatchObject({ status: "SUCCEEDED", error: null });
    // 36 buckets of 12 services in pages of 7: two pages each.
    expect(outcome!.stored).toMatchObject({ nodes: 12, edges: 20 });
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: outcome!.syncRunId! } });
    expect(run).toMatchObject({ source: "XRAY", status: "SUCCEEDED" });

    const window = { from: new Date("2026-11-02T09:05:00Z"), to: new Date("2026-11-02T11:55:00Z") };
    const before = await aggregateServiceGraph({ group: w.group, window, now });
    expect(storedTotals(before)).toEqual(rawTotals(w.graph.services, window.from.getTime(), window.to.getTime()));

    // Again with the same clock: nothing new to read, nothing doubled.
    await syncXray({ accountId: w.accountId, createClient: () => w.client, now, backfillMs: 3 * HOUR, lagMs: 2 * 60_000 });
    expect(storedTotals(await aggregateServiceGraph({ group: w.group, window, now }))).toEqual(storedTotals(before));
  });

  it("windows over raw and rolled-up buckets give the same totals and percentiles as the raw graph", async () => {
    const w = await world({ nodes: 10, edges: 16 });
    const collectedAt = new Date("2026-11-03T06:01:00Z");
    await syncXray({ accountId: w.accountId, createClient: () => w.client, now: collectedAt, backfillMs: 6 * HOUR, lagMs: 60_000 });
    const windows = [
      { from: new Date("2026-11-03T00:00:00Z"), to: new Date("2026-11-03T06:00:00Z") },
      { from: new Date("2026-11-03T00:35:00Z"), to: new Date("2026-11-03T04:10:00Z") },
      { from: new Date("2026-11-03T01:00:00Z"), to: new Date("2026-11-03T05:45:00Z") },
      { from: new Date("2026-11-03T02:20:00Z"), to: new Date("2026-11-03T02:50:00Z") },
    ];
    const rawNow = collectedAt;
    const beforeRollUp = await Promise.all(windows.map((window) => aggregateServiceGraph({ group: w.group, window, now: rawNow })));
    beforeRollUp.forEach((graph, i) => {
      expect(storedTotals(graph)).toEqual(rawTotals(w.graph.services, windows[i]!.from.getTime(), windows[i]!.to.getTime()));
    });

    // Hours before 03:00 keep only their hourly rows (the roll-up of "old" buckets, here at most 3 hours old).
    const cutoff = new Date("2026-11-03T03:00:00Z");
    const client = await getPool().connect();
    try {
      await rollUpBuckets(client, { olderThan: cutoff });
    } finally {
      client.release();
    }
    const { rows } = await getPool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ServiceGraphNodeBucket" b JOIN "ServiceGraphNode" n ON n.id = b."nodeId" WHERE n."groupName" = $1 AND b."bucketSeconds" = 300 AND b."bucketStart" < '2026-11-03T03:00:00'`,
      [w.group],
    );
    expect(rows[0]!.n).toBe(0);

    const afterNow = new Date(cutoff.getTime() + RETENTION);
    // Windows whose ends were in rolled-up hours are read as whole hours there: compare those hour-aligned ones.
    for (const i of [0, 2]) {
      const after = await aggregateServiceGraph({ group: w.group, window: windows[i]!, now: afterNow });
      expect(storedTotals(after)).toEqual(storedTotals(beforeRollUp[i]!));
      expect(after.nodes.map((n) => [n.name, n.p50Ms, n.p95Ms]).sort()).toEqual(beforeRollUp[i]!.nodes.map((n) => [n.name, n.p50Ms, n.p95Ms]).sort());
      expect(after.edges.map((e) => e.requests).sort()).toEqual(beforeRollUp[i]!.edges.map((e) => e.requests).sort());
    }
    // A ragged window in the rolled-up part is widened to whole hours, and says so.
    const widened = await aggregateServiceGraph({ group: w.group, window: windows[3]!, now: afterNow });
    expect(widened.window).toMatchObject({ from: "2026-11-03T02:00:00.000Z", to: "2026-11-03T03:00:00.000Z" });
    expect(storedTotals(widened)).toEqual(rawTotals(w.graph.services, Date.parse("2026-11-03T02:00:00Z"), Date.parse("2026-11-03T03:00:00Z")));
  });

  it("maps X-Ray names to catalog services and filters the map by team with the neighbours as context", async () => {
    const w = await world({ nodes: 10, edges: 16 });
    const service = await makeService();
    const team = await db.team.findUniqueOrThrow({ where: { id: service.teamId }, select: { slug: true } });
    await db.service.update({ where: { id: service.serviceId }, data: { xrayName: `${w.prefix}svc-002` } });
    const now = new Date("2026-11-04T10:01:00Z");
    await syncXray({ accountId: w.accountId, createClient: () => w.client, now, backfillMs: HOUR, lagMs: 60_000 });
    const map = await getServiceMap({ window: "1h", group: w.group, team: team.slug }, now);
    const own = map.nodes.filter((n) => !n.isContext);
    expect(own.map((n) => [n.name, n.service?.slug, n.team?.slug])).toEqual([[`${w.prefix}svc-002`, service.slug, team.slug]]);
    const neighbours = new Set(map.edges.flatMap((e) => [e.source, e.target]));
    expect(map.nodes.every((n) => neighbours.has(n.id))).toBe(true);
    expect(map.nodes.length).toBeGreaterThan(1);
    expect(map.groups).toContain(w.group);
    // Only the team's part of the graph is aggregated; the figures are those of the whole graph, focused.
    const whole = await aggregateServiceGraph({ group: w.group, window: { from: new Date(map.window.from), to: new Date(map.window.to) }, now });
    // (toEqual leaves out the undefined groups, which only getServiceMap adds.)
    expect({ ...map, groups: undefined }).toEqual(focusGraph(whole, (n) => n.team?.slug === team.slug));
    const forService = await getServiceMap({ window: "1h", group: w.group, service: service.slug }, now);
    expect({ ...forService, groups: undefined }).toEqual(focusGraph(whole, (n) => n.service?.slug === service.slug));
  });
});
