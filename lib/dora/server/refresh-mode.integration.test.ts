/**
 * The three DORA trigger modes (prisma/sql/dora/30-triggers.sql), set through
 * lib/dora/refresh-mode.ts: what a committed write leaves behind in each.
 */
import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getPool } from "@/lib/db";
import { setDoraRefreshMode, type TDoraRefreshMode } from "@/lib/dora/refresh-mode";
import { drainDoraQueue } from "@/lib/dora/server/refresh-dora-facts";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(async () => {
  await closeDb();
});

const FINISHED_AT = "2026-11-20T10:05:00Z";

/** One finished deployment written in its own transaction, in `mode` (null: the mode left unset). */
async function writeDeployment(client: pg.PoolClient, serviceId: number, mode: TDoraRefreshMode | null): Promise<number> {
  await client.query("BEGIN");
  try {
    if (mode) await setDoraRefreshMode(client, mode);
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", "finishedAt", source, "externalId", "updatedAt")
       VALUES ($1, 'production', 'SUCCEEDED', $2::timestamptz AT TIME ZONE 'UTC' - interval '5 minutes', $2::timestamptz AT TIME ZONE 'UTC', 'test', $3, now())
       RETURNING id`,
      [serviceId, FINISHED_AT, uniqueSlug("mode")],
    );
    await client.query("COMMIT");
    return rows[0]!.id;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

async function state(id: number) {
  const { rows } = await getPool().query<{ facts: number; pending: number }>(
    `SELECT (SELECT count(*)::int FROM "DoraDeploymentFact" WHERE "deploymentId" = $1) AS facts,
            (SELECT count(*)::int FROM "DoraPending" WHERE "deploymentId" = $1) AS pending`,
    [id],
  );
  return rows[0];
}

describe("the DORA trigger modes", () => {
  it("immediate (also when unset): the writer's statement computes the fact", async () => {
    const { serviceId } = await makeService();
    const client = await getPool().connect();
    try {
      expect(await state(await writeDeployment(client, serviceId, "immediate"))).toEqual({ facts: 1, pending: 0 });
      expect(await state(await writeDeployment(client, serviceId, null))).toEqual({ facts: 1, pending: 0 });
    } finally {
      client.release();
    }
  });

  it("queued: the deployment waits in the queue until a drain computes its fact", async () => {
    const { serviceId } = await makeService();
    const client = await getPool().connect();
    let id: number;
    try {
      id = await writeDeployment(client, serviceId, "queued");
    } finally {
      client.release();
    }
    expect(await state(id)).toEqual({ facts: 0, pending: 1 });
    await drainDoraQueue();
    expect(await state(id)).toEqual({ facts: 1, pending: 0 });
  });

  it("bulk: nothing until the writer refreshes, and only for its own transaction", async () => {
    const { serviceId } = await makeService();
    const client = await getPool().connect();
    try {
      const bulk = await writeDeployment(client, serviceId, "bulk");
      expect(await state(bulk)).toEqual({ facts: 0, pending: 0 });
      await client.query("SELECT dora_refresh($1::int[])", [[bulk]]);
      expect(await state(bulk)).toEqual({ facts: 1, pending: 0 });
      // The same connection's next transaction is back to the default.
      expect(await state(await writeDeployment(client, serviceId, null))).toEqual({ facts: 1, pending: 0 });
    } finally {
      client.release();
    }
  });

  it("refuses a mode it does not know, rather than guessing", async () => {
    const { serviceId } = await makeService();
    const client = await getPool().connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT set_config('portside.dora_refresh', 'queue', true)");
      await expect(
        client.query(
          `INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", source, "externalId", "updatedAt")
           VALUES ($1, 'production', 'IN_PROGRESS', $2::timestamptz AT TIME ZONE 'UTC', 'test', $3, now())`,
          [serviceId, FINISHED_AT, uniqueSlug("mode")],
        ),
      ).rejects.toThrow("portside.dora_refresh is 'queue': it must be immediate, queued or bulk");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });
});
