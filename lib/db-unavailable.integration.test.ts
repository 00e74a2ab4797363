/**
 * A database that cannot be reached: every route answers 503 with Retry-After (so CI clients and EventBridge try
 * again), and nobody learns its host or port. This file's portal is pointed at a port nothing listens on, before
 * anything reads the environment (each test file runs in its own process); the real database is used only to
 * produce a server-side disconnect.
 */
import net from "node:net";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";

const { realDatabaseUrl, closedPort } = await vi.hoisted(async () => {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  const real = process.env.DATABASE_URL;
  process.env.DATABASE_URL = `postgresql://portside@127.0.0.1:${port}/portside`;
  return { realDatabaseUrl: real, closedPort: port };
});

const { POST: postDeployments } = await import("@/app/api/deployments/route");
const { POST: postAwsEvent } = await import("@/app/api/events/aws/route");
const { GET: getIncidents } = await import("@/app/api/incidents/route");
const { GET: ready } = await import("@/app/api/ready/route");
const { closeDb, db } = await import("@/lib/db");
const { errorResponse, withApi } = await import("@/lib/http");
const { log } = await import("@/lib/log");

afterAll(async () => {
  await closeDb();
  process.env.DATABASE_URL = realDatabaseUrl;
});

const TOKEN = `Bearer psk_${"a".repeat(40)}`;

async function expectUnavailable(response: Response) {
  const text = await response.text();
  expect({ status: response.status, text }).toMatchObject({ status: 503 });
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(JSON.parse(text)).toMatchObject({ error: { code: "UNAVAILABLE" } });
  expect(text).not.toContain(String(closedPort));
  expect(text).not.toContain("127.0.0.1");
}

describe("a database that cannot be reached", () => {
  it("is still unreachable for this file (nothing listens on the port)", async () => {
    const socket = net.connect(closedPort, "127.0.0.1");
    await expect(new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("answers deployment ingest (the token check on the pool) with 503 and Retry-After", async () => {
    const body = JSON.stringify({
      service: "svc",
      environment: "production",
      status: "succeeded",
      startedAt: "2026-11-20T10:00:00Z",
      finishedAt: "2026-11-20T10:10:00Z",
      version: "1.0.0",
      source: "ci",
      externalId: "run-1",
    });
    await expectUnavailable(
      await postDeployments(new Request("http://portside.test/api/deployments", { method: "POST", headers: { "content-type": "application/json", authorization: TOKEN }, body })),
    );
  });

  it("answers routes behind withAuth (EventBridge's events, incident reads) with 503 and Retry-After", async () => {
    await expectUnavailable(
      await postAwsEvent(
        new Request("http://portside.test/api/events/aws", { method: "POST", headers: { "content-type": "application/json", authorization: TOKEN }, body: "{}" }),
        { params: Promise.resolve({}) },
      ),
    );
    await expectUnavailable(await getIncidents(new Request("http://portside.test/api/incidents", { headers: { authorization: TOKEN } }), { params: Promise.resolve({}) }));
  });

  it("answers a failed Prisma query and transaction with 503 through the one error mapping", async () => {
    await expectUnavailable(await withApi(async () => Response.json(await db.team.findMany({ select: { id: true } })))(new Request("http://portside.test/x")));
    await expectUnavailable(await withApi(async () => Response.json(await db.$transaction(async (tx) => tx.team.count())))(new Request("http://portside.test/x")));
  });

  it("tells anonymous callers of /api/ready a plain reason, not the database's host and port", async () => {
    const response = await ready(new Request("http://portside.test/api/ready"));
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(JSON.parse(text)).toMatchObject({ status: "not_ready", database: "unreachable", error: expect.any(String) });
    expect(text).not.toContain(String(closedPort));
    expect(text).not.toContain("127.0.0.1");
  });
});

describe("a database that drops the connection", () => {
  it("maps a server-side disconnect (57P01, the database shutting down) to 503", async () => {
    const victim = new pg.Client({ connectionString: realDatabaseUrl });
    const admin = new pg.Client({ connectionString: realDatabaseUrl });
    await Promise.all([victim.connect(), admin.connect()]);
    victim.on("error", () => undefined);
    try {
      const pid = (await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      const running = victim.query("SELECT pg_sleep(30)").then(
        () => null,
        (error: unknown) => error,
      );
      // Once the sleep is under way (pg_stat_activity shows it), end that backend as a shutdown would.
      for (let i = 0; i < 100; i++) {
        const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [pid]);
        if (rows[0]!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
      const error = await running;
      expect(error).toMatchObject({ code: "57P01" });
      await expectUnavailable(errorResponse(error, { requestId: "r", log, ip: null }));
    } finally {
      await Promise.all([victim.end().catch(() => undefined), admin.end()]);
    }
  });
});
