import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/lib/auth/tokens";
import { closeDb, db, getPool } from "@/lib/db";
import { ingestBatchStats, submitIngest } from "@/lib/deployments/server/ingest-batcher";
import { DEPLOYMENT_SOURCE } from "@/lib/pipelines/server/deployment-rows";
import { makeService, makeToken, uniqueSlug, deploymentInput } from "@/lib/testing/fixtures";

/*
 * The first submitIngest of a token starts its statement at once; those made
 * before it answers wait for it and go after it, grouped. Calling them one
 * after another without awaiting sets that order exactly.
 */

let service: Awaited<ReturnType<typeof makeService>>;
let actor: { tokenHash: string };

beforeAll(async () => {
  service = await makeService();
  actor = { tokenHash: hashToken((await makeToken(["ingest"])).token) };
});
afterAll(async () => {
  await closeDb();
});

function deployment(source: string, externalId: string, overrides: Record<string, unknown> = {}) {
  return deploymentInput(service.slug, source, externalId, overrides);
}

let requestNumber = 0;
const submit = (...deployments: ReturnType<typeof deployment>[]) => submitIngest({ actor, deployments, requestId: `req-${++requestNumber}`, ip: "192.0.2.9" });

describe("ingest group commit", () => {
  it("never lets a later post go before an earlier one, even when a post between them has to wait", async () => {
    const source = uniqueSlug("src");
    const before = ingestBatchStats.statements;
    // B repeats A's x, so it waits for the statement after A's; C repeats B's y, so it must wait for B's, not join A's.
    const settled = await Promise.all([
      submit(deployment(source, "first")),
      submit(deployment(source, "x", { version: "from-a" })),
      submit(deployment(source, "x", { version: "from-b" }), deployment(source, "y", { status: "in_progress", finishedAt: undefined })),
      submit(deployment(source, "y", { status: "succeeded" })),
    ]);
    expect(settled.map((r) => r.deployments.map((d) => `${d.externalId}:${d.result}`))).toEqual([
      ["first:created"],
      ["x:created"],
      ["x:updated", "y:created"],
      ["y:updated"],
    ]);
    expect(ingestBatchStats.statements - before).toBe(4);
    const stored = await db.deployment.findMany({ where: { source }, select: { externalId: true, version: true, status: true }, orderBy: { externalId: "asc" } });
    expect(stored).toEqual([
      { externalId: "first", version: null, status: "SUCCEEDED" },
      { externalId: "x", version: "from-b", status: "SUCCEEDED" },
      { externalId: "y", version: null, status: "SUCCEEDED" },
    ]);
  });

  it("fails only the post that fails on its own when a grouped statement fails", async () => {
    const source = uniqueSlug("src");
    const explode = `explode-${randomBytes(4).toString("hex")}`;
    const fn = `portside_test_explode_${randomBytes(4).toString("hex")}`;
    const pool = getPool();
    await pool.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await pool.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON "Deployment" FOR EACH ROW WHEN (NEW."externalId" = '${explode}') EXECUTE FUNCTION ${fn}()`);
    try {
      const before = ingestBatchStats.statements;
      const settled = await Promise.allSettled([
        submit(deployment(source, "alone")),
        submit(deployment(source, "good-1")),
        submit(deployment(source, explode)),
        submit(deployment(source, "good-2")),
      ]);
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
      expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/refused by the test/);
      // One alone, the three together (failed), then each of the three alone.
      expect(ingestBatchStats.statements - before).toBe(5);
      const stored = await db.deployment.findMany({ where: { source }, select: { externalId: true }, orderBy: { externalId: "asc" } });
      expect(stored.map((d) => d.externalId)).toEqual(["alone", "good-1", "good-2"]);
    } finally {
      await pool.query(`DROP TRIGGER ${fn} ON "Deployment"`);
      await pool.query(`DROP FUNCTION ${fn}()`);
    }
  });

  it("fills in a CodePipeline commit's times from two grouped posts, and each post's audit row says what it filled in", async () => {
    const sha = randomBytes(20).toString("hex");
    const derived = await db.deployment.create({
      data: {
        serviceId: service.serviceId,
        environment: "production",
        status: "SUCCEEDED",
        startedAt: new Date("2026-11-18T10:00:00Z"),
        finishedAt: new Date("2026-11-18T10:10:00Z"),
        source: DEPLOYMENT_SOURCE,
        externalId: uniqueSlug("execution"),
        changes: { create: [{ sha }] },
      },
      select: { id: true },
    });
    const source = uniqueSlug("src");
    const authoredAt = "2026-11-17T08:00:00Z";
    const committedAt = "2026-11-17T09:00:00Z";
    const first = submit(deployment(source, "lead"));
    const withAuthored = submit(deployment(source, "a", { environment: "staging", commits: [{ sha, authoredAt }] }));
    const withCommitted = submit(deployment(source, "b", { environment: "staging", commits: [{ sha, committedAt }] }));
    await Promise.all([first, withAuthored, withCommitted]);
    expect(await db.change.findFirstOrThrow({ where: { deploymentId: derived.id }, select: { authoredAt: true, committedAt: true } })).toEqual({
      authoredAt: new Date(authoredAt),
      committedAt: new Date(committedAt),
    });
    const audits = await db.auditEvent.findMany({
      where: { action: "deployments.ingest", requestId: { in: [`req-${requestNumber - 1}`, `req-${requestNumber}`] } },
      select: { requestId: true, after: true },
      orderBy: { requestId: "asc" },
    });
    expect(audits).toHaveLength(2);
    for (const audit of audits) expect(audit.after).toMatchObject({ commitTimesFilledIn: [derived.id] });
  });
});
