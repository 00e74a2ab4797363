import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/ready/route";
import { closeDb } from "@/lib/db";

afterAll(async () => {
  await closeDb();
});

describe("health and readiness", () => {
  it("says the process is up", async () => {
    const response = await health(new Request("http://portside.test/api/health"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });

  it("is ready once every migration in prisma/migrations is applied", async () => {
    const response = await ready(new Request("http://portside.test/api/ready"));
    const body = (await response.json()) as { status: string; migrations: { expected: number; applied: number; pending: string[] } };
    expect(response.status).toBe(200);
    expect(body.status).toBe("ready");
    expect(body.migrations.pending).toEqual([]);
    expect(body.migrations.applied).toBe(body.migrations.expected);
    expect(body.migrations.expected).toBeGreaterThan(0);
  });

  it("shows the DORA refresh backlog: how many writes wait and for how long", async () => {
    // The drain waits on this lock (dora_drain), so no other test drains the rows below while this one looks.
    const locker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const writer = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([locker.connect(), writer.connect()]);
    try {
      await locker.query("BEGIN");
      await locker.query("SELECT pg_advisory_xact_lock(hashtext('portside.dora_drain'))");
      const before = (await (await ready(new Request("http://portside.test/api/ready"))).json()) as { doraRefresh: { pending: number } };
      // The backlog's age is read from the first entry by id (ids follow the queue's order). The entry dated ten
      // minutes back takes an id before every other, so that another test's write queued meanwhile cannot come first.
      const { rows } = await writer.query<{ id: string }>(
        `INSERT INTO "DoraPending" (id, "deploymentId", "createdAt")
         SELECT coalesce(min(id), 1) - 1, -1, LOCALTIMESTAMP - interval '10 minutes' FROM "DoraPending"
         UNION ALL SELECT nextval(pg_get_serial_sequence('"DoraPending"', 'id')), -2, LOCALTIMESTAMP
         RETURNING id`,
      );
      try {
        const response = await ready(new Request("http://portside.test/api/ready"));
        const body = (await response.json()) as { status: string; doraRefresh: { pending: number; isPendingCapped: boolean; oldestSeconds: number } };
        expect(response.status).toBe(200);
        expect(body.status).toBe("ready");
        expect(body.doraRefresh.pending).toBe(before.doraRefresh.pending + 2);
        expect(body.doraRefresh.isPendingCapped).toBe(false);
        // The oldest waiting entry is the one queued ten minutes ago (or an older one left by another test).
        expect(body.doraRefresh.oldestSeconds).toBeGreaterThanOrEqual(595);
      } finally {
        await writer.query(`DELETE FROM "DoraPending" WHERE id = ANY ($1::bigint[])`, [rows.map((r) => r.id)]);
      }
    } finally {
      await locker.query("ROLLBACK");
      await Promise.all([locker.end(), writer.end()]);
    }
  });
});
