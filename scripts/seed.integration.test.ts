import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../lib/auth/tokens";
import { applyMigrations, createScratchDatabase, type TRunningDatabase } from "./lib/database";
import { seedDemo } from "./lib/seed-runner";

let scratch: TRunningDatabase;
const now = new Date("2026-11-26T12:00:00Z");

beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, () => undefined);
  await applyMigrations(scratch.url);
});
afterAll(async () => {
  await scratch?.stop();
});

async function counts(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM "Team" WHERE "parentId" IS NOT NULL) AS teams,
    (SELECT count(*)::int FROM "Service") AS services,
    (SELECT count(*)::int FROM "AwsAccount") AS accounts,
    (SELECT count(*)::int FROM "Pipeline") AS pipelines,
    (SELECT count(*)::int FROM "PipelineExecution") AS executions,
    (SELECT count(*)::int FROM "Deployment") AS deployments,
    (SELECT count(*)::int FROM "Deployment" WHERE status = 'ROLLED_BACK') AS rollbacks,
    (SELECT count(*)::int FROM "Change") AS changes,
    (SELECT count(*)::int FROM "Incident" WHERE "deploymentId" IS NOT NULL) AS attributed,
    (SELECT count(*)::int FROM "Alarm") AS alarms,
    (SELECT count(*)::int FROM "AlarmTransition") AS transitions,
    (SELECT count(*)::int FROM "ServiceGraphEdge") AS edges,
    (SELECT count(*)::int FROM "EnvironmentTemplate") AS templates,
    (SELECT count(*)::int FROM "Postmortem") AS postmortems,
    (SELECT count(*)::int FROM "ApiToken") AS tokens,
    (SELECT max(id)::int FROM "Deployment") AS "maxDeploymentId",
    (SELECT last_value::int FROM "Deployment_id_seq") AS "deploymentSeq"`);
  await client.end();
  return rows[0]!;
}

describe("demo seed", () => {
  let token = "";

  it("writes the whole demo organisation and prints a working token", async () => {
    const summary = await seedDemo({ url: scratch.url, now, log: () => undefined });
    token = /shown once: (psk_\S+)/.exec(summary)?.[1] ?? "";
    const c = await counts(scratch.url);
    expect(c).toMatchObject({ teams: 8, services: 40, accounts: 2, pipelines: 40, templates: 3, postmortems: 1, tokens: 1 });
    expect(c.deployments).toBeGreaterThan(3000);
    expect(c.changes).toBeGreaterThan(c.deployments!);
    expect(c.rollbacks).toBeGreaterThan(0);
    expect(c.attributed).toBeGreaterThan(0);
    expect(c.executions).toBeGreaterThan(0);
    expect(c.transitions).toBeGreaterThan(0);
    expect(c.edges).toBeGreaterThan(40);
    // Sequences continue after the explicit ids, so the API can insert next.
    expect(c.deploymentSeq).toBe(c.maxDeploymentId);

    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const found = await client.query('SELECT scopes FROM "ApiToken" WHERE "tokenHash" = $1', [hashToken(token)]);
    await client.end();
    expect(found.rows[0]).toEqual({ scopes: ["ingest", "read"] });
  });

  it("refuses to seed over data, and with --reset gives the same organisation again", async () => {
    const before = await counts(scratch.url);
    await expect(seedDemo({ url: scratch.url, now, log: () => undefined })).rejects.toThrow(/already holds data/);
    await seedDemo({ url: scratch.url, now, reset: true, log: () => undefined });
    const after = await counts(scratch.url);
    expect(after).toEqual(before);
  });
});
