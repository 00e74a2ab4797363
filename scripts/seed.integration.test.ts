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
    (SELECT count(*)::int FROM "PostmortemSection") AS sections,
    (SELECT count(*)::int FROM "PostmortemRevision") AS revisions,
    (SELECT count(*)::int FROM "PostmortemComment") AS comments,
    (SELECT count(*)::int FROM "PostmortemTimelineEntry") AS "timelineEntries",
    (SELECT count(*)::int FROM "ActionItem") AS "actionItems",
    (SELECT count(*)::int FROM "PostmortemRule") AS "postmortemRules",
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
    // 148 resolved SEV1 and SEV2 incidents and 12 SEV3 of the team whose rule asks for them, drafted by the trigger;
    // a SEV3 and two stand-alone ones written by hand.
    expect(c).toMatchObject({ teams: 8, services: 40, accounts: 2, pipelines: 40, templates: 3, postmortems: 163, postmortemRules: 2, tokens: 1 });
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

  it("gives the organisation postmortems in every state, reviewed by someone who did not write them, with action items", async () => {
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    const q = async <T extends object>(sql: string, values: unknown[] = []) => (await client.query<T & pg.QueryResultRow>(sql, values)).rows;
    try {
      const states = Object.fromEntries((await q<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "Postmortem" GROUP BY 1`)).map((r) => [r.status, r.n]));
      expect(Object.keys(states).sort()).toEqual(["APPROVED", "DRAFT", "IN_REVIEW", "NOT_REQUIRED", "PUBLISHED"]);
      expect(states.PUBLISHED).toBeGreaterThan(100);

      const [checks] = await q<Record<string, number>>(
        `SELECT
           -- The trigger drafted one for every resolved SEV1 and SEV2 incident.
           (SELECT count(*)::int FROM "Incident" i WHERE i."resolvedAt" IS NOT NULL AND i.severity IN ('SEV1', 'SEV2')
              AND NOT EXISTS (SELECT 1 FROM "Postmortem" p WHERE p."incidentId" = i.id)) AS "undrafted",
           (SELECT count(*)::int FROM "Postmortem" WHERE "incidentId" IS NULL) AS "standAlone",
           (SELECT count(*)::int FROM "Postmortem" p JOIN "Incident" i ON i.id = p."incidentId" WHERE i.severity = 'SEV3' AND p."authorId" IS NOT NULL) AS "handWrittenSev3",
           (SELECT count(*)::int FROM "Postmortem" p WHERE p.status IN ('APPROVED', 'PUBLISHED') AND (p."approvedById" IS NULL
              OR p."approvedById" = p."authorId"
              OR EXISTS (SELECT 1 FROM "PostmortemRevision" r WHERE r."postmortemId" = p.id AND r."authorId" = p."approvedById")
              OR NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = p."approvedById" AND m."teamId" = p."teamId" AND m.role = 'APPROVER'))) AS "badApprovals",
           (SELECT count(*)::int FROM "PostmortemSection" s WHERE s.version <> (SELECT count(*) FROM "PostmortemRevision" r WHERE r."postmortemId" = s."postmortemId" AND r.key = s.key)) AS "sectionsOffRevisions",
           (SELECT count(*)::int FROM "ActionItem" WHERE status IN ('OPEN', 'IN_PROGRESS') AND "dueAt" < $1::timestamptz AT TIME ZONE 'UTC') AS "overdue",
           (SELECT count(*)::int FROM "ActionItem" WHERE status = 'DONE' AND "completedAt" IS NOT NULL) AS "done",
           (SELECT count(*)::int FROM "ActionItem" WHERE status = 'WONT_DO' AND "statusReason" IS NOT NULL) AS "wontDo",
           (SELECT count(*)::int FROM "ActionItem" a JOIN "Postmortem" p ON p.id = a."postmortemId" WHERE a."teamId" <> p."teamId"
              OR NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = a."ownerId" AND m."teamId" = a."teamId")) AS "strayActionItems",
           (SELECT count(*)::int FROM "PostmortemComment" WHERE kind = 'CHANGES_REQUESTED') AS "changesRequested",
           (SELECT count(*)::int FROM "PostmortemTimelineEntry" WHERE "isStarred") AS "starred",
           (SELECT count(*)::int FROM "Postmortem" WHERE search IS NULL) AS "unsearchable",
           (SELECT count(*)::int FROM "Postmortem" WHERE greatest("createdAt", "updatedAt", "approvedAt", "publishedAt") > $1::timestamptz AT TIME ZONE 'UTC') AS "fromTheFuture"`,
        [now.toISOString()],
      );
      expect(checks).toMatchObject({ undrafted: 0, standAlone: 2, handWrittenSev3: 1, badApprovals: 0, sectionsOffRevisions: 0, strayActionItems: 0, unsearchable: 0, fromTheFuture: 0 });
      for (const key of ["overdue", "done", "wontDo", "changesRequested", "starred"]) expect(checks![key], key).toBeGreaterThan(0);

      // The search vector holds the sections' words, not only the title's.
      const found = await q<{ n: number }>(`SELECT count(*)::int AS n FROM "Postmortem" WHERE search @@ plainto_tsquery('english', 'canary staging') AND title NOT ILIKE '%canary%'`);
      expect(found[0]!.n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it("refuses to seed over data, and with --reset gives the same organisation again", async () => {
    const before = await counts(scratch.url);
    await expect(seedDemo({ url: scratch.url, now, log: () => undefined })).rejects.toThrow(/already holds data/);
    await seedDemo({ url: scratch.url, now, reset: true, log: () => undefined });
    const after = await counts(scratch.url);
    expect(after).toEqual(before);
  });
});
