/**
 * bench/board — how long the pipeline board takes with 1,000 pipelines: the
 * server-rendered /pipelines page and GET /api/pipelines (100 a page), over
 * HTTP against the production build, signed in as an admin.
 *
 *   npm run bench:board [-- --pipelines 1000 --requests 20]
 */
import { createHmac, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { seedDemo } from "../scripts/lib/seed-runner";
import { BENCH_AUTH_SECRET, startPortal } from "./server";

const { values } = parseArgs({ options: { pipelines: { type: "string", default: "1000" }, requests: { type: "string", default: "20" } } });
const PIPELINES = Number(values.pipelines);
const REQUESTS = Number(values.requests);
const url = process.env.DATABASE_URL!;

// One pipeline per service; 30 days of executions.
await seedDemo({ url, deployments: PIPELINES * 40, days: 60, teams: Math.max(8, Math.round(PIPELINES / 10)), services: PIPELINES, now: new Date(), log: () => undefined });

const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows: counts } = await client.query<{ p: number; e: number }>(`SELECT (SELECT count(*)::int FROM "Pipeline") p, (SELECT count(*)::int FROM "PipelineExecution") e`);
// A session for the first admin, signed the way better-auth signs its cookie (HMAC-SHA256, base64).
const sessionToken = randomBytes(24).toString("base64url");
await client.query(
  `INSERT INTO "Session" (token, "userId", "expiresAt", "createdAt", "updatedAt")
   SELECT $1, id, now() + interval '1 day', now(), now() FROM "User" WHERE "orgRole" = 'ADMIN' ORDER BY id LIMIT 1`,
  [sessionToken],
);
await client.end();
const signature = createHmac("sha256", BENCH_AUTH_SECRET).update(sessionToken).digest("base64");
// A production server names it __Secure-… (better-auth marks cookies secure in production).
const cookie = `__Secure-portside.session_token=${encodeURIComponent(`${sessionToken}.${signature}`)}`;

const portal = await startPortal();
async function time(path: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${response.headers.get("location") ?? ""} ${body.slice(0, 300)}`);
  return { ms: performance.now() - started, bytes: body.length };
}
function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms`;
}
try {
  const cases = [
    ["GET /api/pipelines (JSON, 100 rows + counts)", "/api/pipelines"],
    ["GET /api/pipelines?q=api", "/api/pipelines?q=api"],
    ["/pipelines (server render, page 1 of 100 rows)", "/pipelines"],
    ["/pipelines?status=succeeded&page=5", "/pipelines?status=succeeded&page=5"],
  ] as const;
  for (const [, path] of cases) await time(path); // warm up
  console.log(`board benchmark: ${counts[0]!.p.toLocaleString("en")} pipelines, ${counts[0]!.e.toLocaleString("en")} executions stored; ${REQUESTS} requests each, one at a time`);
  for (const [label, path] of cases) {
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const r = await time(path);
      samples.push(r.ms);
      bytes = r.bytes;
    }
    console.log(`  ${label.padEnd(52)} ${stats(samples)}  (${Math.round(bytes / 1024)} KiB)`);
  }
} finally {
  portal.stop();
}
