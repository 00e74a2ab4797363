/**
 * The portal as the container image runs it: the Dockerfile's own CMD (the migrations, then Next's standalone
 * server.js), run in the standalone build, against a database of its own that starts empty, with the job queue on.
 * Real processes, real signals, real HTTP, a real PostgreSQL.
 *
 * The standalone build is made here when there is none, or when the sources changed since it was made
 * (lib/server/testing/image-layout.ts): minutes, once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireDatabaseUrl } from "@/lib/env";
import { ensureImageLayout, IMAGE_BUILD_TIMEOUT_MS, IMAGE_DIR, imageCommand } from "@/lib/server/testing/image-layout";
import { freePort } from "@/scripts/lib/database";

const ROOT = path.resolve(import.meta.dirname, "../..");

const apiToken = `psk_image-${randomBytes(24).toString("hex")}`;
const databaseName = `portside_image_${randomBytes(4).toString("hex")}`;
let databaseUrl = "";
let port = 0;
let portal: ChildProcess;
let output = "";
let exited: Promise<[number | null, NodeJS.Signals | null]>;

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  ensureImageLayout({ env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  await adminQuery(`CREATE DATABASE "${databaseName}"`);
  const url = new URL(requireDatabaseUrl());
  url.pathname = `/${databaseName}`;
  databaseUrl = url.toString();
  port = await freePort();
  const [command, ...args] = imageCommand();
  portal = spawn(command!, args, {
    cwd: IMAGE_DIR,
    // What the container gets (infra/lib/stacks/portal-stack.ts), not the test's environment (NODE_ENV=test, the dev sign-in).
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      LOG_LEVEL: "info",
      DATABASE_URL: databaseUrl,
      PORTSIDE_AUTH_SECRET: "image-test-secret-that-is-long-enough-0123456789",
      PORTSIDE_API_TOKEN: apiToken,
      PORTSIDE_COLLECTORS: "on",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  portal.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  portal.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  exited = once(portal, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  for (;;) {
    if (hasExited) throw new Error(`the portal exited before it was ready:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/api/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await sleep(250);
  }
}, IMAGE_BUILD_TIMEOUT_MS + 120_000);

afterAll(async () => {
  if (portal?.exitCode === null && portal.signalCode === null) {
    portal.kill("SIGKILL");
    await exited;
  }
  await adminQuery(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
});

interface TAnswer {
  status: number;
  body: string;
  requestId: string;
}

/** One request on its own connection, from `localAddress` (Linux routes all of 127/8 to lo: separate clients). */
function post(body: unknown, { token, forwardedFor, localAddress }: { token: string; forwardedFor?: string; localAddress: string }): Promise<TAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/deployments",
        method: "POST",
        agent: false,
        localAddress,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
          ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
        },
      },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text, requestId: String(response.headers["x-request-id"]) }));
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

async function makeService(): Promise<string> {
  const slug = `svc-${randomBytes(4).toString("hex")}`;
  const [team] = await query<{ id: number }>(`INSERT INTO "Team" (slug, name, "updatedAt") VALUES ($1, 'Image test', now()) RETURNING id`, [`team-${slug}`]);
  await query(`INSERT INTO "Service" (slug, name, "teamId", "updatedAt") VALUES ($1, $1, $2, now())`, [slug, team!.id]);
  return slug;
}

const deployment = (service: string, externalId: string) => ({
  service,
  environment: "production",
  status: "succeeded",
  source: "image-test",
  externalId,
  startedAt: "2026-11-20T10:00:00Z",
  finishedAt: "2026-11-20T10:05:00Z",
});

describe("the container's command", () => {
  it("applies every migration before it serves", async () => {
    const migrations = readdirSync(path.join(ROOT, "prisma/migrations"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const applied = await query<{ migration_name: string }>(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
    expect(applied.map((r) => r.migration_name).sort()).toEqual(migrations.sort());
  });

  it("serves deployment ingest behind withAuth, with the token the migration step registered", async () => {
    const service = await makeService();
    const answer = await post(deployment(service, "first"), { token: apiToken, localAddress: "127.0.0.2" });
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ created: 1, deployments: [{ externalId: "first", result: "created" }] });
    // A session-less request with a token that is not one: the one auth wrapper's answer.
    expect((await post(deployment(service, "second"), { token: "psk_not-a-token", localAddress: "127.0.0.2" })).status).toBe(401);
  });

  it("counts bad tokens by the connection's address: rotating X-Forwarded-For does not escape the limit, nor block another client", async () => {
    const service = await makeService();
    const guess = (i: number) => post(deployment(service, `guess-${i}`), { token: `psk_guess-${i}`, forwardedFor: `198.51.100.${i}`, localAddress: "127.0.0.3" });
    // 21 in all with the bad token of the test above, from another address: that one does not count here.
    for (let i = 0; i < 20; i++) expect((await guess(i)).status).toBe(401);
    expect((await guess(20)).status).toBe(429);
    // Another client naming the blocked address: its valid token is taken, and the audit log has its real address.
    const answer = await post(deployment(service, "other-client"), { token: apiToken, forwardedFor: "127.0.0.3", localAddress: "127.0.0.4" });
    expect(answer.status).toBe(201);
    const audit = await query<{ ip: string }>(`SELECT ip FROM "AuditEvent" WHERE action = 'deployments.ingest' AND "requestId" = $1`, [answer.requestId]);
    expect(audit).toEqual([{ ip: "127.0.0.4" }]);
  });

  it("on SIGTERM, finishes the request in flight, stops the job queue, closes the database pool and exits", async () => {
    const service = await makeService();
    const payload = JSON.stringify(deployment(service, "in-flight"));
    // The body is held back: the server has the request (it answered 100 Continue) and waits for the rest.
    const request = http.request({
      host: "127.0.0.1",
      port,
      path: "/api/deployments",
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), authorization: `Bearer ${apiToken}`, expect: "100-continue" },
    });
    const answered = new Promise<TAnswer>((resolve, reject) => {
      request.on("response", (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text, requestId: String(response.headers["x-request-id"]) }));
      });
      request.on("error", reject);
    });
    request.flushHeaders();
    await once(request, "continue");

    portal.kill("SIGTERM");
    // The server has begun to stop once it takes no new connection.
    for (;;) {
      const isRefused = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port }, () => {
          socket.destroy();
          resolve(false);
        });
        socket.on("error", () => resolve(true));
      });
      if (isRefused) break;
      await sleep(50);
    }
    request.end(payload);

    const answer = await answered;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.body)).toMatchObject({ created: 1, deployments: [{ externalId: "in-flight", result: "created" }] });
    expect(await query(`SELECT 1 FROM "Deployment" WHERE source = 'image-test' AND "externalId" = 'in-flight'`)).toHaveLength(1);

    // Exited by itself, with the code Next's server gives a stop on SIGTERM (128 + 15), not killed.
    expect(await exited).toEqual([143, null]);
    const messages = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => (JSON.parse(line) as { msg?: string }).msg);
    const queueStopped = messages.indexOf("job queue stopped");
    const poolClosed = messages.indexOf("database pool closed");
    expect(queueStopped).toBeGreaterThan(-1);
    expect(poolClosed).toBeGreaterThan(queueStopped);
  });
});
