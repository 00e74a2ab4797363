/**
 * The fast path against the definition: random histories written in batches
 * (and then changed: statuses, deletions, a service moving team, incidents
 * resolved and re-attributed), and the figures read from the rollups compared
 * with lib/dora/metrics.ts computed from the raw rows. Counts must be equal;
 * medians and p90s within 1%.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db, getPool } from "@/lib/db";
import { computeMetrics, deriveFacts, type TRawChange, type TRawDeployment, type TRawIncident } from "@/lib/dora/metrics";
import type { TDoraMetrics } from "@/lib/dora/schemas";
import { getDoraSummary } from "@/lib/dora/server/get-dora-summary";
import { getDoraTrend } from "@/lib/dora/server/get-dora-trend";
import { setDoraRefreshMode } from "@/lib/dora/refresh-mode";
import { drainDoraQueue } from "@/lib/dora/server/refresh-dora-facts";
import { lastDays, previousWindow, trendBuckets } from "@/lib/dora/windows";
import { Random } from "@/lib/seed/random";
import { uniqueSlug } from "@/lib/testing/fixtures";

afterAll(async () => {
  await closeDb();
});

const MINUTE = 60_000;

async function makeTree() {
  const parent = await db.team.create({ data: { slug: uniqueSlug("dora-group"), name: "Group" }, select: { id: true, slug: true } });
  const a = await db.team.create({ data: { slug: uniqueSlug("dora-a"), name: "A", parentId: parent.id }, select: { id: true, slug: true } });
  const b = await db.team.create({ data: { slug: uniqueSlug("dora-b"), name: "B", parentId: parent.id }, select: { id: true, slug: true } });
  const services = [];
  for (const teamId of [a.id, a.id, b.id]) {
    const slug = uniqueSlug("dora-svc");
    services.push(await db.service.create({ data: { slug, name: slug, teamId }, select: { id: true, slug: true, teamId: true } }));
  }
  return { parent, a, b, services };
}

const iso = (ms: number) => new Date(ms).toISOString();

async function insertDeployments(rows: { serviceId: number; environment: string; status: string; startedAt: number; finishedAt: number | null; isPlanned: boolean; fixesIncidentRef: string | null; externalId: string }[]) {
  const { rows: ids } = await getPool().query<{ id: number; externalId: string }>(
    `INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", "finishedAt", "isPlanned", "fixesIncidentRef", source, "externalId", "updatedAt")
     SELECT "serviceId", environment, status::"DeploymentStatus", "startedAt" AT TIME ZONE 'UTC', "finishedAt" AT TIME ZONE 'UTC', "isPlanned", "fixesIncidentRef", 'test', "externalId", now()
     FROM jsonb_to_recordset($1::jsonb) AS x("serviceId" int, environment text, status text, "startedAt" timestamptz, "finishedAt" timestamptz, "isPlanned" boolean, "fixesIncidentRef" text, "externalId" text)
     RETURNING id, "externalId"`,
    [JSON.stringify(rows.map((r) => ({ ...r, startedAt: iso(r.startedAt), finishedAt: r.finishedAt === null ? null : iso(r.finishedAt) })))],
  );
  return ids;
}

async function insertChanges(rows: { deploymentId: number; sha: string; committedAt: number | null; authoredAt: number | null }[]) {
  await getPool().query(
    `INSERT INTO "Change" ("deploymentId", sha, "committedAt", "authoredAt")
     SELECT "deploymentId", sha, "committedAt" AT TIME ZONE 'UTC', "authoredAt" AT TIME ZONE 'UTC'
     FROM jsonb_to_recordset($1::jsonb) AS x("deploymentId" int, sha text, "committedAt" timestamptz, "authoredAt" timestamptz)`,
    [JSON.stringify(rows.map((r) => ({ ...r, committedAt: r.committedAt === null ? null : iso(r.committedAt), authoredAt: r.authoredAt === null ? null : iso(r.authoredAt) })))],
  );
}

async function insertIncidents(rows: { serviceId: number; openedAt: number; resolvedAt: number | null; deploymentId: number | null; causedByChange: boolean | null; externalId: string }[]) {
  await getPool().query(
    `INSERT INTO "Incident" ("serviceId", title, severity, status, "openedAt", "resolvedAt", source, "externalId", "deploymentId", "attributionSource", "causedByChange", "updatedAt")
     SELECT "serviceId", 'test incident', 'SEV3', CASE WHEN "resolvedAt" IS NULL THEN 'OPEN' ELSE 'RESOLVED' END::"IncidentStatus",
            "openedAt" AT TIME ZONE 'UTC', "resolvedAt" AT TIME ZONE 'UTC', 'test', "externalId", "deploymentId",
            CASE WHEN "deploymentId" IS NULL THEN NULL ELSE 'EXPLICIT' END::"AttributionSource", "causedByChange", now()
     FROM jsonb_to_recordset($1::jsonb) AS x("serviceId" int, "openedAt" timestamptz, "resolvedAt" timestamptz, "deploymentId" int, "causedByChange" boolean, "externalId" text)`,
    [JSON.stringify(rows.map((r) => ({ ...r, openedAt: iso(r.openedAt), resolvedAt: r.resolvedAt === null ? null : iso(r.resolvedAt) })))],
  );
}

/** The raw rows of these services as stored, for the reference computation. */
async function readRaw(serviceIds: number[]) {
  const pool = getPool();
  const ms = (d: Date | null) => (d === null ? null : d.getTime());
  const { rows: deployments } = await pool.query<{ id: number; serviceId: number; environment: string; status: TRawDeployment["status"]; startedAt: Date; finishedAt: Date | null; isPlanned: boolean; fixesIncidentRef: string | null }>(
    `SELECT id, "serviceId", environment, status::text AS status, "startedAt" AT TIME ZONE 'UTC' AS "startedAt", "finishedAt" AT TIME ZONE 'UTC' AS "finishedAt", "isPlanned", "fixesIncidentRef"
     FROM "Deployment" WHERE "serviceId" = ANY ($1::int[])`,
    [serviceIds],
  );
  const { rows: changes } = await pool.query<{ deploymentId: number; sha: string; committedAt: Date | null; authoredAt: Date | null }>(
    `SELECT c."deploymentId", c.sha, c."committedAt" AT TIME ZONE 'UTC' AS "committedAt", c."authoredAt" AT TIME ZONE 'UTC' AS "authoredAt"
     FROM "Change" c JOIN "Deployment" d ON d.id = c."deploymentId" WHERE d."serviceId" = ANY ($1::int[])`,
    [serviceIds],
  );
  const { rows: incidents } = await pool.query<{ id: number; serviceId: number; openedAt: Date; resolvedAt: Date | null; deploymentId: number | null; causedByChange: boolean | null }>(
    `SELECT id, "serviceId", "openedAt" AT TIME ZONE 'UTC' AS "openedAt", "resolvedAt" AT TIME ZONE 'UTC' AS "resolvedAt", "deploymentId", "causedByChange"
     FROM "Incident" WHERE "serviceId" = ANY ($1::int[])`,
    [serviceIds],
  );
  return {
    deployments: deployments.map((d): TRawDeployment => ({ ...d, startedAt: d.startedAt.getTime(), finishedAt: ms(d.finishedAt) })),
    changes: changes.map((c): TRawChange => ({ ...c, committedAt: ms(c.committedAt), authoredAt: ms(c.authoredAt) })),
    incidents: incidents.map((i): TRawIncident => ({ ...i, openedAt: i.openedAt.getTime(), resolvedAt: ms(i.resolvedAt) })),
  };
}

function expectClose(actual: number | null, expected: number | null, label: string) {
  if (expected === null || actual === null) {
    expect(actual, label).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(0.01 * Math.abs(expected) + 1e-9);
}

function expectSameFigures(actual: TDoraMetrics, expected: TDoraMetrics, label: string) {
  expect(actual.window, label).toEqual(expected.window);
  expect(actual.deploymentFrequency, `${label} frequency`).toEqual(expected.deploymentFrequency);
  expect(actual.changeFailRate, `${label} fail rate`).toEqual(expected.changeFailRate);
  expect(actual.reworkRate, `${label} rework`).toEqual(expected.reworkRate);
  for (const key of ["leadTime", "recoveryTime"] as const) {
    const a = actual[key];
    const e = expected[key];
    expect(a.sampleSize, `${label} ${key} sample`).toBe(e.sampleSize);
    expect(a.isLowSample, `${label} ${key} low sample`).toBe(e.isLowSample);
    expectClose(a.median, e.median, `${label} ${key} median`);
    expectClose(a.p90, e.p90, `${label} ${key} p90`);
  }
  expect(actual.leadTime.coverage, `${label} coverage`).toEqual(expected.leadTime.coverage);
  expect(actual.leadTime.unknownCommits, `${label} unknown commits`).toBe(expected.leadTime.unknownCommits);
  expect(actual.recoveryTime.unrecovered, `${label} unrecovered`).toBe(expected.recoveryTime.unrecovered);
}

describe("the DORA fast path", () => {
  it("gives the same figures as the definition on random histories, through inserts, updates and deletes", async () => {
    const now = Date.now();
    const rng = new Random(Number(process.env.DORA_TEST_SEED ?? 20261127));
    const { parent, a, b, services } = await makeTree();
    const shas = Array.from({ length: 40 }, (_, i) => `${i.toString(16).padStart(4, "0")}${rng.hex(36)}`);
    const statuses = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "ROLLED_BACK", "IN_PROGRESS"] as const;

    const planned = Array.from({ length: 420 }, (_, i) => {
      const service = rng.pick(services);
      const startedAt = now - rng.int(0, 200 * 24 * 60) * MINUTE - rng.int(0, 59_999);
      const status = rng.pick(statuses);
      const isPlanned = !rng.chance(0.1);
      return {
        serviceId: service.id,
        environment: rng.chance(0.1) ? "staging" : "production",
        status,
        startedAt,
        finishedAt: status === "IN_PROGRESS" ? null : Math.min(now, startedAt + rng.int(1, 90) * MINUTE + rng.int(0, 999)),
        isPlanned,
        fixesIncidentRef: rng.chance(isPlanned ? 0.03 : 0.5) ? "pagerduty:P123" : null,
        externalId: `fast-path-${i}-${rng.hex(6)}`,
      };
    });
    // Deployments arrive in batches out of time order; commits and incidents in their own batches afterwards.
    const ids: { id: number; externalId: string }[] = [];
    for (let i = 0; i < planned.length; i += 140) ids.push(...(await insertDeployments(planned.slice(i, i + 140))));
    const byExternal = new Map(planned.map((p) => [p.externalId, p]));
    const deployments = ids.map((r) => ({ ...byExternal.get(r.externalId)!, id: r.id }));

    const changes: { deploymentId: number; sha: string; committedAt: number | null; authoredAt: number | null }[] = [];
    for (const d of deployments) {
      const n = rng.int(0, 4);
      const picked = new Set<string>();
      for (let k = 0; k < n; k++) picked.add(rng.pick(shas));
      for (const sha of picked) {
        const known = rng.int(0, 9);
        const at = d.startedAt - rng.int(0, 20 * 24 * 60) * MINUTE;
        changes.push({ deploymentId: d.id, sha, committedAt: known < 7 ? at : null, authoredAt: known === 7 ? at - 5 * MINUTE : null });
      }
    }
    for (let i = 0; i < changes.length; i += 300) await insertChanges(changes.slice(i, i + 300));

    const finished = deployments.filter((d) => d.finishedAt !== null);
    const incidents = Array.from({ length: 60 }, (_, i) => {
      const attributed = rng.chance(0.7) ? rng.pick(finished) : null;
      const serviceId = attributed?.serviceId ?? rng.pick(services).id;
      const openedAt = attributed ? attributed.finishedAt! + rng.int(1, 600) * MINUTE : now - rng.int(60, 200 * 24 * 60) * MINUTE;
      const resolvedAt = rng.chance(0.85) ? openedAt + rng.int(5, 3 * 24 * 60) * MINUTE : null;
      return { serviceId, openedAt, resolvedAt: resolvedAt !== null && resolvedAt > now ? null : resolvedAt, deploymentId: attributed?.id ?? null, causedByChange: rng.pick([null, true, true, false]), externalId: `fast-path-incident-${i}-${rng.hex(6)}` };
    });
    await insertIncidents(incidents.slice(0, 30));
    await insertIncidents(incidents.slice(30));

    // Later changes: rollbacks, a late in-progress deployment finishing, one deleted, commits rewritten, incidents resolved
    // or re-attributed, and a service moving to the other team.
    const pool = getPool();
    const succeeded = finished.filter((d) => d.status === "SUCCEEDED");
    await pool.query(`UPDATE "Deployment" SET status = 'ROLLED_BACK' WHERE id = ANY ($1::int[])`, [succeeded.slice(0, 8).map((d) => d.id)]);
    const running = deployments.filter((d) => d.finishedAt === null).slice(0, 5);
    await pool.query(`UPDATE "Deployment" SET status = 'SUCCEEDED', "finishedAt" = "startedAt" + interval '7 minutes' WHERE id = ANY ($1::int[])`, [running.map((d) => d.id)]);
    await pool.query(`DELETE FROM "Deployment" WHERE id = ANY ($1::int[])`, [succeeded.slice(8, 12).map((d) => d.id)]);
    await pool.query(`UPDATE "Change" SET "committedAt" = NULL, "authoredAt" = NULL WHERE "deploymentId" = ANY ($1::int[])`, [succeeded.slice(12, 20).map((d) => d.id)]);
    await pool.query(`DELETE FROM "Change" WHERE "deploymentId" = ANY ($1::int[])`, [succeeded.slice(20, 24).map((d) => d.id)]);
    await pool.query(
      `UPDATE "Incident" SET "resolvedAt" = "openedAt" + interval '95 minutes', status = 'RESOLVED' WHERE "resolvedAt" IS NULL AND "serviceId" = ANY ($1::int[])`,
      [services.map((s) => s.id)],
    );
    await pool.query(`UPDATE "Incident" SET "deploymentId" = $1 WHERE id = (SELECT min(id) FROM "Incident" WHERE "serviceId" = $2 AND "deploymentId" IS NOT NULL)`, [succeeded[30]!.id, succeeded[30]!.serviceId]);
    await pool.query(`UPDATE "Service" SET "teamId" = $1 WHERE id = $2`, [b.id, services[1]!.id]);

    const raw = await readRaw(services.map((s) => s.id));

    // The stored facts are exactly the definition's.
    const { rows: stored } = await pool.query(
      `SELECT "deploymentId", "serviceId", environment, day, "isFailure", "isRework", "recoverySeconds", "isUnrecovered", "isSucceeded", "leadSeconds", "leadUnknown"
       FROM "DoraDeploymentFact" WHERE "serviceId" = ANY ($1::int[]) ORDER BY "deploymentId"`,
      [services.map((s) => s.id)],
    );
    const reference = deriveFacts(raw).sort((x, y) => x.deploymentId - y.deploymentId);
    expect(stored).toEqual(reference);
    expect(reference.filter((f) => f.isFailure).length).toBeGreaterThan(20);
    expect(reference.filter((f) => f.isRework).length).toBeGreaterThan(5);

    const options = { bandYear: 2024 as const, minSamples: 5 };
    const teamServices = new Map([
      [parent.slug, services.map((s) => s.id)],
      [a.slug, [services[0]!.id]],
      [b.slug, [services[1]!.id, services[2]!.id]],
    ]);
    const only = (ids: number[]) => ({
      deployments: raw.deployments.filter((d) => ids.includes(d.serviceId)),
      changes: raw.changes,
      incidents: raw.incidents,
    });
    for (const days of [7, 30, 90, 180] as const) {
      const current = lastDays(days, now);
      for (const [team, ids] of teamServices) {
        const summary = await getDoraSummary({ query: { team, window: days, environment: "production", bands: 2024, minSamples: 5 }, now });
        expect(summary.method.percentiles).toBe("histogram");
        expectSameFigures(summary.current, computeMetrics(only(ids), current, options), `${team} ${days}d`);
        expectSameFigures(summary.previous, computeMetrics(only(ids), previousWindow(current), options), `${team} ${days}d before`);
      }
      const service = services[2]!;
      const exact = await getDoraSummary({ query: { service: service.slug, window: days, environment: "production", bands: 2024, minSamples: 5 }, now });
      expect(exact.method.percentiles).toBe("exact");
      expect(exact.current).toEqual(computeMetrics(only([service.id]), current, options));
    }
    const staging = await getDoraSummary({ query: { team: parent.slug, window: 180, environment: "staging", bands: 2024, minSamples: 5 }, now });
    expectSameFigures(staging.current, computeMetrics(only(services.map((s) => s.id)), lastDays(180, now), { ...options, environment: "staging" }), "staging");

    for (const bucket of ["week", "month"] as const) {
      const trend = await getDoraTrend({ query: { team: parent.slug, bucket, count: 7, environment: "production", bands: 2024, minSamples: 5 }, now });
      const windows = trendBuckets(bucket, 7, now);
      trend.points.forEach((point, i) => expectSameFigures(point, computeMetrics(only(services.map((s) => s.id)), windows[i]!, options), `${bucket} ${i}`));
    }

    // The bulk loader's path: dora_rebuild() builds, from the raw rows at once, exactly the facts and rollups the
    // triggers built write by write (rolled back: it rebuilds every team's, other tests' included).
    // The organisation's rows (team 0) are the sum of every team's, as the triggers keep them and as rebuilt; the
    // tables are locked so that other tests' writes wait instead of landing between the two sides.
    const teamIds = [parent.id, a.id, b.id];
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`LOCK TABLE "DoraDeploymentFact", "DoraDay", "DoraHistogram" IN EXCLUSIVE MODE`);
      expect(await orgRowsOffTheTeams(client)).toEqual({ days: 0, buckets: 0 });
      const before = await readRollups(client, teamIds);
      expect(before.facts.length).toBe(reference.length);
      expect(before.histograms.length).toBeGreaterThan(50);
      // In chunks far smaller than the history, so that facts whose rule reads other deployments cross chunk edges.
      await client.query("SELECT dora_rebuild(97)");
      const after = await readRollups(client, teamIds);
      expect(after.facts).toEqual(before.facts);
      expect(after.days).toEqual(before.days);
      expect(after.histograms).toEqual(before.histograms);
      expect(await orgRowsOffTheTeams(client)).toEqual({ days: 0, buckets: 0 });
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });
});

/** How many organisation day rows and histogram buckets (team 0) differ from the sum of every team's. */
async function orgRowsOffTheTeams(client: { query: ReturnType<typeof getPool>["query"] }) {
  const counts = `deployments, failures, rework, succeeded, "leadKnownDeployments", "leadUnknownCommits", unrecovered`;
  const sums = `sum(deployments)::int, sum(failures)::int, sum(rework)::int, sum(succeeded)::int, sum("leadKnownDeployments")::int, sum("leadUnknownCommits")::int, sum(unrecovered)::int`;
  const { rows } = await client.query<{ days: number; buckets: number }>(
    `WITH org_days AS (SELECT environment, day, ${counts} FROM "DoraDay" WHERE "teamId" = 0),
          team_days AS (SELECT environment, day, ${sums} FROM "DoraDay" WHERE "teamId" <> 0 GROUP BY 1, 2),
          org_buckets AS (SELECT h.kind, h.environment, h.level, h.block, u.b, u.n FROM "DoraHistogram" h, unnest(h.buckets, h.counts) u(b, n) WHERE h."teamId" = 0),
          team_buckets AS (SELECT h.kind, h.environment, h.level, h.block, u.b, sum(u.n)::int FROM "DoraHistogram" h, unnest(h.buckets, h.counts) u(b, n)
                           WHERE h."teamId" <> 0 GROUP BY 1, 2, 3, 4, 5 HAVING sum(u.n) <> 0)
     SELECT (SELECT count(*)::int FROM ((TABLE org_days EXCEPT ALL TABLE team_days) UNION ALL (TABLE team_days EXCEPT ALL TABLE org_days)) x) AS days,
            (SELECT count(*)::int FROM ((TABLE org_buckets EXCEPT ALL TABLE team_buckets) UNION ALL (TABLE team_buckets EXCEPT ALL TABLE org_buckets)) x) AS buckets`,
  );
  return rows[0];
}

/** Every fact and rollup row of these teams, in key order (a histogram whose counts all cancelled out holds no rows). */
async function readRollups(client: { query: ReturnType<typeof getPool>["query"] }, teamIds: number[]) {
  const { rows: facts } = await client.query(`SELECT * FROM "DoraDeploymentFact" WHERE "teamId" = ANY ($1::int[]) ORDER BY "deploymentId"`, [teamIds]);
  const { rows: days } = await client.query(`SELECT * FROM "DoraDay" WHERE "teamId" = ANY ($1::int[]) ORDER BY environment, day, "teamId"`, [teamIds]);
  const { rows: histograms } = await client.query(
    `SELECT * FROM "DoraHistogram" WHERE "teamId" = ANY ($1::int[]) AND buckets IS NOT NULL ORDER BY kind, environment, level, block, "teamId"`,
    [teamIds],
  );
  return { facts, days, histograms };
}

describe("a writer that defers the DORA refresh", () => {
  it("gets the same facts from the queue's drain after its commit", async () => {
    const { services } = await makeTree();
    const now = Date.now();
    const client = await getPool().connect();
    let ids: number[];
    try {
      await client.query("BEGIN");
      await setDoraRefreshMode(client, "queued");
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", "finishedAt", source, "externalId", "updatedAt")
         SELECT $1, 'production', s::"DeploymentStatus", $2::timestamptz AT TIME ZONE 'UTC' + i * interval '1 hour', $2::timestamptz AT TIME ZONE 'UTC' + i * interval '1 hour' + interval '5 minutes', 'deferred', 'deferred-' || i || '-' || $3, now()
         FROM unnest(ARRAY['FAILED', 'SUCCEEDED', 'SUCCEEDED']) WITH ORDINALITY AS x(s, i) RETURNING id`,
        [services[0]!.id, new Date(now - 5 * 3_600_000).toISOString(), uniqueSlug("x")],
      );
      ids = rows.map((r) => r.id);
      await client.query(`INSERT INTO "Change" ("deploymentId", sha, "committedAt") SELECT unnest($1::int[]), 'abcdef1', now() - interval '1 day'`, [ids]);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    const facts = () => getPool().query(`SELECT "deploymentId", "isFailure", "recoverySeconds", cardinality("leadSeconds") AS leads FROM "DoraDeploymentFact" WHERE "deploymentId" = ANY ($1::int[]) ORDER BY 1`, [ids]);
    expect((await facts()).rows).toEqual([]);
    await drainDoraQueue();
    expect((await facts()).rows).toEqual([
      { deploymentId: ids[0], isFailure: true, recoverySeconds: 3600, leads: 0 },
      { deploymentId: ids[1], isFailure: false, recoverySeconds: null, leads: 1 },
      { deploymentId: ids[2], isFailure: false, recoverySeconds: null, leads: 0 },
    ]);
  });
});
