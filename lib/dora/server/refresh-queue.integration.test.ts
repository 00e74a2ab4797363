/**
 * The DORA refresh queue: writers in the `queued` refresh mode leave
 * their facts to dora_drain. After a drain the facts and the per-day rollups
 * must be exactly what the rules give from the raw rows, whatever mix of
 * inserts, status changes, deletions, commits and incidents was queued.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { GET as getDora } from "@/app/api/dora/route";
import { POST as postDeployments } from "@/app/api/deployments/route";
import { closeDb, db, getPool } from "@/lib/db";
import { ingestDeployments } from "@/lib/deployments/server/ingest-deployments";
import { setDoraRefreshMode } from "@/lib/dora/refresh-mode";
import { drainDoraQueue } from "@/lib/dora/server/refresh-dora-facts";
import { Random } from "@/lib/seed/random";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie } from "@/lib/testing/sessions";
import { hashToken } from "@/lib/auth/tokens";

afterAll(async () => {
  await closeDb();
});

const HOUR = 3_600_000;

/** Runs statements in one transaction with the DORA refresh queued, as the ingest API and the pipeline writers do. */
async function queued(statements: { text: string; values?: unknown[] }[]) {
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    await setDoraRefreshMode(client, "queued");
    for (const s of statements) await client.query(s.text, s.values);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

async function deploymentIdsOf(serviceIds: number[]) {
  const { rows } = await getPool().query<{ id: number }>(`SELECT id FROM "Deployment" WHERE "serviceId" = ANY ($1::int[]) ORDER BY id`, [serviceIds]);
  return rows.map((r) => r.id);
}

/** Stored facts against the facts the rules give now; and the per-day counts against those facts. */
async function expectFactsCurrent(serviceIds: number[], teamIds: number[]) {
  const ids = await deploymentIdsOf(serviceIds);
  const columns = `"deploymentId", "serviceId", "teamId", environment, day, "isFailure", "isRework", "isSucceeded", "recoverySeconds", "isUnrecovered", "recoveryDeploymentId", "leadSeconds", "leadUnknown"`;
  const stored = await getPool().query(`SELECT ${columns} FROM "DoraDeploymentFact" WHERE "serviceId" = ANY ($1::int[]) ORDER BY 1`, [serviceIds]);
  const expected = await getPool().query(`SELECT ${columns} FROM dora_fact_rows($1::int[]) ORDER BY 1`, [ids]);
  expect(stored.rows).toEqual(expected.rows);
  const days = await getPool().query(
    `SELECT environment, day, "teamId", deployments, failures, rework, succeeded, unrecovered FROM "DoraDay" WHERE "teamId" = ANY ($1::int[]) ORDER BY 1, 2, 3`,
    [teamIds],
  );
  const fromFacts = await getPool().query(
    `SELECT environment, day, "teamId", count(*)::int AS deployments, count(*) FILTER (WHERE "isFailure")::int AS failures,
            count(*) FILTER (WHERE "isRework")::int AS rework, count(*) FILTER (WHERE "isSucceeded")::int AS succeeded,
            count(*) FILTER (WHERE "isUnrecovered")::int AS unrecovered
     FROM "DoraDeploymentFact" WHERE "teamId" = ANY ($1::int[]) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [teamIds],
  );
  expect(days.rows).toEqual(fromFacts.rows);
  return stored.rows.length;
}

const pendingFor = async (ids: number[]) =>
  Number((await getPool().query<{ n: string }>(`SELECT count(*) AS n FROM "DoraPending" WHERE "deploymentId" = ANY ($1::int[])`, [ids])).rows[0]!.n);

describe("the DORA refresh queue", () => {
  it("after a drain, facts and rollups equal the rules on the raw rows, for random queued writes of every kind", async () => {
    const random = new Random(20261127);
    const services = [await makeService(), await makeService(), await makeService()];
    const serviceIds = services.map((s) => s.serviceId);
    const teamIds = [...new Set(services.map((s) => s.teamId))];
    const start = Date.now() - 20 * 24 * HOUR;
    const shas = Array.from({ length: 30 }, (_, i) => `${uniqueSlug("sha")}-${i}`);
    const statuses = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "ROLLED_BACK"];

    for (let round = 0; round < 4; round++) {
      // New deployments with commits (some shared across deployments and services).
      const rows = Array.from({ length: 40 }, (_, i) => {
        const at = start + random.int(0, 19 * 24) * HOUR + random.int(0, 59) * 60_000;
        return {
          serviceId: serviceIds[random.int(0, serviceIds.length - 1)],
          environment: random.int(0, 4) === 0 ? "staging" : "production",
          status: statuses[random.int(0, statuses.length - 1)],
          startedAt: new Date(at - 10 * 60_000).toISOString(),
          finishedAt: random.int(0, 20) === 0 ? null : new Date(at).toISOString(),
          isPlanned: random.int(0, 9) > 0,
          externalId: `${uniqueSlug("q")}-${round}-${i}`,
          shas: Array.from({ length: random.int(0, 3) }, () => shas[random.int(0, shas.length - 1)]),
          committedAt: new Date(at - random.int(1, 72) * HOUR).toISOString(),
        };
      });
      await queued([
        {
          text: `WITH d AS (
                   INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", "finishedAt", "isPlanned", source, "externalId", "updatedAt")
                   SELECT "serviceId", environment, status::"DeploymentStatus", "startedAt" AT TIME ZONE 'UTC', "finishedAt" AT TIME ZONE 'UTC', "isPlanned", 'queue-test', "externalId", now()
                   FROM jsonb_to_recordset($1::jsonb) AS x("serviceId" int, environment text, status text, "startedAt" timestamptz, "finishedAt" timestamptz, "isPlanned" boolean, "externalId" text)
                   RETURNING id, "externalId")
                 INSERT INTO "Change" ("deploymentId", sha, "committedAt")
                 SELECT DISTINCT ON (d.id, s.sha) d.id, s.sha, x."committedAt" AT TIME ZONE 'UTC'
                 FROM jsonb_to_recordset($1::jsonb) AS x("externalId" text, shas text[], "committedAt" timestamptz)
                 JOIN d ON d."externalId" = x."externalId" CROSS JOIN LATERAL unnest(x.shas) AS s(sha)`,
          values: [JSON.stringify(rows)],
        },
      ]);
      const ids = await deploymentIdsOf(serviceIds);
      if (round === 0) {
        // Queued, not computed: the writer's transaction left the facts to the drain.
        expect(await pendingFor(ids)).toBeGreaterThanOrEqual(ids.length);
        expect(Number((await getPool().query(`SELECT count(*) AS n FROM "DoraDeploymentFact" WHERE "deploymentId" = ANY ($1::int[])`, [ids])).rows[0].n)).toBe(0);
      }

      // Changes of every kind to what is there: statuses, times, deletions, commits removed, incidents.
      const pick = () => ids[random.int(0, ids.length - 1)]!;
      const incidentService = serviceIds[random.int(0, serviceIds.length - 1)];
      const openedAt = start + random.int(0, 18 * 24) * HOUR;
      await queued([
        { text: `UPDATE "Deployment" SET status = 'SUCCEEDED' WHERE id = $1`, values: [pick()] },
        { text: `UPDATE "Deployment" SET status = 'FAILED' WHERE id = $1`, values: [pick()] },
        { text: `UPDATE "Deployment" SET "finishedAt" = "finishedAt" + interval '3 days' WHERE id = $1`, values: [pick()] },
        { text: `UPDATE "Deployment" SET "serviceId" = $2 WHERE id = $1`, values: [pick(), serviceIds[random.int(0, serviceIds.length - 1)]] },
        { text: `DELETE FROM "Deployment" WHERE id = $1`, values: [pick()] },
        { text: `DELETE FROM "Change" WHERE id IN (SELECT id FROM "Change" WHERE "deploymentId" = ANY ($1::int[]) ORDER BY id LIMIT 2)`, values: [ids] },
        {
          text: `INSERT INTO "Incident" ("serviceId", title, severity, status, "openedAt", "resolvedAt", "deploymentId", source, "externalId", "updatedAt")
                 VALUES ($1, 'queued incident', 'SEV2', 'RESOLVED', $2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC', $4, 'queue-test', $5, now())`,
          values: [incidentService, new Date(openedAt).toISOString(), new Date(openedAt + random.int(1, 48) * HOUR).toISOString(), random.int(0, 1) ? pick() : null, uniqueSlug("inc")],
        },
        {
          text: `UPDATE "Incident" SET "resolvedAt" = "resolvedAt" + interval '2 days', "deploymentId" = $2
                 WHERE id = (SELECT id FROM "Incident" WHERE source = 'queue-test' AND "serviceId" = ANY ($1::int[]) ORDER BY random() LIMIT 1)`,
          values: [serviceIds, pick()],
        },
      ]);
      const taken = await drainDoraQueue();
      expect(taken).toBeGreaterThan(0);
      expect(await pendingFor(ids)).toBe(0);
      expect(await expectFactsCurrent(serviceIds, teamIds)).toBeGreaterThan(0);
    }
  });

  it("the ingest statement queues the refresh; a read right after drains it, and the route's own drain follows a post", async () => {
    const service = await makeService();
    const { token } = await makeToken(["ingest"]);
    const finishedAt = new Date(Date.now() - 2 * HOUR).toISOString();
    const outcome = await ingestDeployments({
      deployments: [
        {
          service: service.slug,
          environment: "production",
          status: "failed",
          startedAt: new Date(Date.now() - 3 * HOUR).toISOString(),
          finishedAt,
          planned: true,
          source: "queue-test",
          externalId: uniqueSlug("ing"),
          commits: [{ sha: uniqueSlug("sha").padEnd(40, "0"), committedAt: new Date(Date.now() - 5 * HOUR).toISOString() }],
        },
      ],
      actor: { tokenHash: hashToken(token) },
      requestId: "queue-test",
      ip: null,
    });
    const [id] = outcome.deployments.map((d) => d.id);
    expect(await pendingFor([id!])).toBeGreaterThan(0);
    expect((await db.doraDeploymentFact.findUnique({ where: { deploymentId: id! } }))).toBeNull();

    // A DORA read waits for the queued refresh: the failure counts at once.
    const cookie = await sessionCookie((await makeUser("VIEWER")).email);
    const response = await getDora(new Request(`http://portside.test/api/dora?service=${service.slug}&window=7`, { headers: { cookie } }));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.current.changeFailRate.sampleSize).toBe(1);
    expect(body.current.changeFailRate.value).toBe(1);
    expect(await pendingFor([id!])).toBe(0);

    // Through the route nobody reads: its scheduled drain computes the facts within moments.
    const externalId = uniqueSlug("route");
    const posted = await postDeployments(
      new Request("http://portside.test/api/deployments", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ service: service.slug, environment: "production", status: "succeeded", startedAt: finishedAt, finishedAt: new Date().toISOString(), source: "queue-test", externalId }),
      }),
    );
    expect(posted.status).toBe(201);
    const routeId = ((await posted.json()) as { deployments: { id: number }[] }).deployments[0]!.id;
    await vi.waitFor(
      async () => {
        expect(await db.doraDeploymentFact.findUnique({ where: { deploymentId: routeId }, select: { isSucceeded: true } })).toEqual({ isSucceeded: true });
        // The failure above now recovers at this deployment.
        expect(await db.doraDeploymentFact.findUnique({ where: { deploymentId: id! }, select: { recoveryDeploymentId: true } })).toEqual({ recoveryDeploymentId: routeId });
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});
