/**
 * The queue metrics' SQL against the real schemas (pg-boss's and Prisma's):
 * a job due five minutes ago and a deployment waiting ten minutes for its
 * DORA figures show as at least that old.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { requireDatabaseUrl } from "@/lib/env";
import { createBoss, JOBS_SCHEMA } from "@/lib/jobs/boss";
import { readQueueMetrics } from "@/lib/jobs/queue-metrics";
import { uniqueSlug } from "@/lib/testing/fixtures";

const boss = createBoss();
const client = new pg.Client({ connectionString: requireDatabaseUrl() });

afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await client.end();
});

describe("readQueueMetrics", () => {
  it("reports the oldest due job and the oldest DORA refresh waiting", async () => {
    await boss.start();
    const queue = uniqueSlug("metrics-probe");
    await boss.createQueue(queue);
    await boss.send(queue, {}, { startAfter: new Date(Date.now() - 5 * 60_000) });
    await client.connect();
    await client.query("BEGIN");
    try {
      // In a transaction that is rolled back: no refresher elsewhere ever sees this row. The oldest waiting is the
      // first in id order (ids grow with time); an id below any real one makes this row first whatever other tests
      // have queued meanwhile.
      await client.query(`INSERT INTO "DoraPending" (id, "deploymentId", "createdAt") VALUES (-1, -1, LOCALTIMESTAMP - interval '10 minutes')`);
      const metrics = await readQueueMetrics({ db: client, jobsSchema: JOBS_SCHEMA });
      expect(metrics.jobQueueOldestSeconds).toBeGreaterThanOrEqual(5 * 60 - 5);
      expect(metrics.doraRefreshPending).toBeGreaterThanOrEqual(1);
      expect(metrics.doraRefreshOldestSeconds).toBeGreaterThanOrEqual(10 * 60 - 5);
    } finally {
      await client.query("ROLLBACK");
      await boss.purgeQueue(queue);
      await boss.deleteQueue(queue);
    }
  });
});
