/**
 * bench/ingest — deployments per second through POST /api/deployments, on the
 * production build over HTTP, into a durable PostgreSQL (fsync on).
 *
 *   npm run bench:ingest [-- --single 5000 --batches 30 --concurrency 16]
 *
 * Goal (issue 2): ≥ 5,000/s in batches of 1,000, on 2 cores. Single posts go through Next's router and withAuth
 * like every other route (issue 16): their rate is reported, far above what CI systems send one by one.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateToken } from "../lib/auth/tokens";
import { pool, postmasterPid, processTreeCpuSeconds, startPortal } from "./server";

const { values } = parseArgs({
  options: {
    single: { type: "string", default: "5000" },
    batches: { type: "string", default: "30" },
    concurrency: { type: "string", default: "16" },
  },
});
const SINGLE = Number(values.single);
const BATCHES = Number(values.batches);
const CONCURRENCY = Number(values.concurrency);

const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
const team = await client.query<{ id: number }>(`INSERT INTO "Team" (slug, name, "updatedAt") VALUES ($1, 'Bench', now()) RETURNING id`, [`bench-${randomBytes(3).toString("hex")}`]);
const services: string[] = [];
for (let i = 0; i < 20; i++) {
  const slug = `bench-svc-${i}-${randomBytes(2).toString("hex")}`;
  await client.query(`INSERT INTO "Service" (slug, name, "teamId", "updatedAt") VALUES ($1, $1, $2, now())`, [slug, team.rows[0]!.id]);
  services.push(slug);
}
const token = generateToken();
await client.query(`INSERT INTO "ApiToken" (name, "tokenHash", prefix, scopes) VALUES ('bench', $1, $2, '{ingest}')`, [token.hash, token.prefix]);

const portal = await startPortal();
const backend = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
const postmaster = postmasterPid(backend.rows[0]!.pid);
const run = randomBytes(3).toString("hex");
const started = Date.parse("2025-01-01T00:00:00Z");

function deployment(i: number) {
  const start = new Date(started + i * 10_000);
  return {
    service: services[i % services.length],
    environment: "production",
    status: i % 10 === 0 ? "failed" : "succeeded",
    startedAt: start.toISOString(),
    finishedAt: new Date(start.getTime() + 300_000).toISOString(),
    version: `1.0.${i}`,
    source: "bench",
    externalId: `${run}-${i}`,
    commits: Array.from({ length: 1 + (i % 3) }, (_, c) => ({
      sha: (run + String(i).padStart(10, "0") + String(c).padStart(2, "0")).padEnd(40, "a"),
      committedAt: new Date(start.getTime() - (c + 1) * 3_600_000).toISOString(),
    })),
  };
}

// node:http with keep-alive: fetch() costs the client several times more CPU
// per request, and client and server share the same two cores here.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(`${portal.baseUrl}/api/deployments`);

function post(body: unknown, expected: number[]): Promise<void> {
  return send("POST", target.pathname, JSON.stringify(body), expected);
}

function send(method: "GET" | "POST", path: string, payload: string | null, expected: number[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path,
        method,
        headers:
          payload === null
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(payload), authorization: `Bearer ${token.token}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () =>
          expected.includes(response.statusCode ?? 0)
            ? resolve()
            : reject(new Error(`unexpected ${response.statusCode}: ${Buffer.concat(chunks).toString()}`)),
        );
      },
    );
    request.on("error", reject);
    request.end(payload ?? undefined);
  });
}

interface TPhase {
  seconds: number;
  /** From the last answer until the queued DORA refresh of everything posted was done (the figures current). */
  doraLagMs: number;
  /** CPU milliseconds per request: the portal, PostgreSQL, this client (null where /proc cannot tell). */
  cpu: { server: number | null; postgres: number | null; client: number };
}

/** Runs one phase and measures its wall time and who spent the CPU. */
async function phase(requests: number, run: () => Promise<void>): Promise<TPhase> {
  const serverBefore = processTreeCpuSeconds(portal.pid);
  const postgresBefore = postmaster === null ? null : processTreeCpuSeconds(postmaster);
  const clientBefore = process.cpuUsage();
  const t = performance.now();
  await run();
  const answered = performance.now();
  const seconds = (answered - t) / 1000;
  // The ingest queues the DORA refresh; the portal drains it right after. The CPU below includes that work.
  while ((await client.query<{ pending: boolean }>(`SELECT EXISTS (SELECT 1 FROM "DoraPending") AS pending`)).rows[0]!.pending) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const doraLagMs = performance.now() - answered;
  const clientUsed = process.cpuUsage(clientBefore);
  const serverAfter = processTreeCpuSeconds(portal.pid);
  const postgresAfter = postmaster === null ? null : processTreeCpuSeconds(postmaster);
  const perRequest = (before: number | null, after: number | null) => (before === null || after === null ? null : ((after - before) * 1000) / requests);
  return {
    seconds,
    doraLagMs,
    cpu: {
      server: perRequest(serverBefore, serverAfter),
      postgres: perRequest(postgresBefore, postgresAfter),
      client: (clientUsed.user + clientUsed.system) / 1000 / requests,
    },
  };
}

function line(label: string, deployments: number, requests: number, { seconds, doraLagMs, cpu }: TPhase, note = ""): string {
  const ms = (value: number | null) => (value === null ? "?" : value.toFixed(2));
  const rate = `${deployments} deployments in ${seconds.toFixed(2)} s = ${Math.round(deployments / seconds)} deployments/s${note}`;
  return (
    `  ${label.padEnd(20)} ${rate}\n` +
    `  ${"".padEnd(20)} DORA figures current ${Math.round(doraLagMs)} ms after the last answer\n` +
    `  ${"".padEnd(20)} CPU ms per request (${requests} requests, DORA refresh included): server ${ms(cpu.server)}, postgres ${ms(cpu.postgres)}, client ${ms(cpu.client)}`
  );
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
try {
  const loadBefore = load();
  // Warm up the route (first request compiles nothing in production, but fills pools and caches).
  await pool(200, CONCURRENCY, (i) => post(deployment(2_000_000 + i), [201]));

  const single = await phase(SINGLE, () => pool(SINGLE, CONCURRENCY, (i) => post(deployment(i), [201])));

  const offset = 1_000_000;
  const batch = (b: number) => ({ deployments: Array.from({ length: 1000 }, (_, k) => deployment(offset + b * 1000 + k)) });
  const batched = await phase(BATCHES, () => pool(BATCHES, 4, (b) => post(batch(b), [201])));
  const replayed = await phase(BATCHES, () => pool(BATCHES, 4, (b) => post(batch(b), [200])));

  // Next's own floor on this machine: a route it serves that does nothing (no body, no database), same client and
  // concurrency. Every single post pays this routing cost, and a token check and the ingest statement on top.
  const floor = await phase(SINGLE, () => pool(SINGLE, CONCURRENCY, () => send("GET", "/api/health", null, [200])));

  const stored = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Deployment" WHERE source = 'bench' AND "externalId" LIKE $1`, [`${run}-%`]);
  console.log(`ingest benchmark (production build, HTTP, fsync on, ${CONCURRENCY} concurrent clients for single posts):`);
  console.log(line("single posts:", SINGLE, SINGLE, single));
  console.log(line("batches of 1,000:", BATCHES * 1000, BATCHES, batched));
  console.log(line("same batches again:", BATCHES * 1000, BATCHES, replayed, " (idempotent replay, nothing stored)"));
  console.log(
    `  ${"floor: GET /api/health".padEnd(20)} ${SINGLE} requests in ${floor.seconds.toFixed(2)} s = ${Math.round(SINGLE / floor.seconds)} requests/s ` +
      `(CPU ms per request: server ${floor.cpu.server?.toFixed(2) ?? "?"}, client ${floor.cpu.client.toFixed(2)}) — the most a route through Next's router can do here`,
  );
  const facts = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "DoraDeploymentFact" f JOIN "Deployment" d ON d.id = f."deploymentId" WHERE d.source = 'bench' AND d."externalId" LIKE $1`,
    [`${run}-%`],
  );
  console.log(`  stored: ${stored.rows[0]!.n} (expected ${SINGLE + BATCHES * 1000 + 200}); with DORA facts: ${facts.rows[0]!.n}`);
  // Client, server and database share this machine's cores with anything else running: figures taken under load are low.
  console.log(`  load average (1, 5, 15 min): ${loadBefore} before, ${load()} after; ${availableParallelism()} cores`);
} finally {
  agent.destroy();
  portal.stop();
  await client.end();
}
