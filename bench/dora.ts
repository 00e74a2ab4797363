/**
 * bench/dora — the DORA queries at scale: the demo generator writes N
 * production deployments (3 years, 200 teams, 2,000 services; the triggers
 * build the rollups chunk by chunk as it goes), then each query runs
 * repeatedly in-process and the median and p95 are printed.
 *
 *   npm run bench:dora [-- --deployments 1000000 --runs 30]
 *   npm run bench:dora -- --deployments 10000000
 *
 * With --reuse and a DATABASE_URL that already holds a seeded history (run it
 * through `tsx scripts/with-db.ts -- tsx --conditions=react-server bench/dora.ts --reuse`,
 * without --fresh), the seed is skipped: 10,000,000 deployments take a while
 * to generate. The load average is printed beside each figure, since the
 * machine may be shared.
 *
 * Queries: one team's five figures over 90 days (and the 90 days before, as
 * GET /api/dora serves them); one service's; the executive roll-up (every
 * team, five figures, 90 days and the 90 before); a team's 12-month monthly
 * trend and 12-week weekly trend; a page of the rows behind a figure.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { seedDemo } from "../scripts/lib/seed-runner";
import { closeDb } from "../lib/db";
import { getDoraSummary } from "../lib/dora/server/get-dora-summary";
import { getDoraRollup } from "../lib/dora/server/get-dora-rollup";
import { getDoraTrend } from "../lib/dora/server/get-dora-trend";
import { findDoraRows } from "../lib/dora/server/find-dora-rows";
import { ingestDeployments } from "../lib/deployments/server/ingest-deployments";
import { ZDeploymentInputSchema } from "../lib/deployments/schemas";
import { getPool } from "../lib/db";

const { values } = parseArgs({
  options: {
    deployments: { type: "string", default: "1000000" },
    runs: { type: "string", default: "30" },
    teams: { type: "string", default: "200" },
    services: { type: "string", default: "2000" },
    reuse: { type: "boolean", default: false },
  },
});
const DEPLOYMENTS = Number(values.deployments.replace(/_/g, ""));
const RUNS = Number(values.runs);
const url = process.env.DATABASE_URL!;
const NOW = new Date("2026-11-26T12:00:00Z");

const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows: existing } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Team"`);
const isReused = values.reuse && (existing[0]?.n ?? 0) > 0;
const seedStarted = performance.now();
if (!isReused) {
  console.error(`[bench] seeding, ${load()}`);
  await seedDemo({ url, deployments: DEPLOYMENTS, days: 1095, teams: Number(values.teams), services: Number(values.services), now: NOW, log: (line) => console.error(`[bench] ${line}`) });
}
const seedSeconds = (performance.now() - seedStarted) / 1000;
// Settle the rollups' visibility map and statistics as autovacuum would.
await client.query(`VACUUM ANALYZE "DoraDeploymentFact", "DoraDay", "DoraHistogram"`);
const { rows: sizes } = await client.query<{ d: number; c: number; i: number; f: number; days: number; h: number; size: string }>(
  `SELECT (SELECT count(*)::int FROM "Deployment") d, (SELECT count(*)::int FROM "Change") c, (SELECT count(*)::int FROM "Incident") i,
          (SELECT count(*)::int FROM "DoraDeploymentFact") f, (SELECT count(*)::int FROM "DoraDay") AS days, (SELECT count(*)::int FROM "DoraHistogram") h,
          pg_size_pretty(pg_total_relation_size('"DoraDeploymentFact"') + pg_total_relation_size('"DoraDay"') + pg_total_relation_size('"DoraHistogram"')) size`,
);
const { rows: picks } = await client.query<{ team: string; service: string }>(
  `SELECT t.slug AS team, (SELECT s.slug FROM "Service" s WHERE s."teamId" = t.id ORDER BY s.id LIMIT 1) AS service
   FROM "Team" t WHERE t."parentId" IS NOT NULL ORDER BY t.id LIMIT 1`,
);
await client.end();
const team = picks[0]!.team;
const service = picks[0]!.service;
const now = NOW.getTime();

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`;
}

const base = { environment: "production", bands: 2024 as const, minSamples: 10 };
const cases: [string, () => Promise<unknown>][] = [
  [`team "${team}", five figures, 90 days + the 90 before`, () => getDoraSummary({ query: { ...base, team, window: 90 }, now })],
  [`service "${service}", five figures, 90 days + before (exact)`, () => getDoraSummary({ query: { ...base, service, window: 90 }, now })],
  ["executive roll-up: every team + org, 90 days + before", () => getDoraRollup({ window: 90, now })],
  [`team "${team}", 12-month monthly trend`, () => getDoraTrend({ query: { ...base, team, bucket: "month", count: 12 }, now })],
  [`team "${team}", 12-week weekly trend`, () => getDoraTrend({ query: { ...base, team, bucket: "week", count: 12 }, now })],
  [`rows behind the team's fail rate, page 1`, () => findDoraRows({ query: { team, window: 90, environment: "production", metric: "changeFailRate", page: 1, pageSize: 50 }, now })],
];

console.log(
  `DORA benchmark: ${sizes[0]!.d.toLocaleString("en")} deployments, ${sizes[0]!.c.toLocaleString("en")} commits, ${sizes[0]!.i.toLocaleString("en")} incidents ` +
    `${isReused ? "(reused: seeded earlier)" : `seeded with rollups in ${seedSeconds.toFixed(0)} s`}; rollups: ${sizes[0]!.f.toLocaleString("en")} facts, ${sizes[0]!.days.toLocaleString("en")} team-days, ` +
    `${sizes[0]!.h.toLocaleString("en")} histogram blocks, ${sizes[0]!.size}. ${RUNS} runs each, one at a time, after 3 warm-ups.`,
);
try {
  for (const [label, run] of cases) {
    for (let i = 0; i < 3; i++) await run();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run();
      samples.push(performance.now() - started);
    }
    console.log(`  ${label.padEnd(62)} ${stats(samples)}  (${load()})`);
  }

  // What keeping the rollups current costs a write: batches of 1,000 new deployments (4 commits each) through the
  // ingest API's function, triggers included; then the refresh alone, recomputing the same 1,000 facts.
  const { rows: slugs } = await getPool().query<{ slug: string }>(`SELECT slug FROM "Service" ORDER BY id`);
  const ingestSamples: number[] = [];
  const refreshSamples: number[] = [];
  // Unique per run, so that a reused database takes the batches as new deployments again.
  const run = Date.now().toString(16);
  for (let batch = 0; batch < 5; batch++) {
    const deployments = Array.from({ length: 1000 }, (_, i) => {
      const finished = now - (batch * 1000 + i) * 60_000;
      return ZDeploymentInputSchema.parse({
        service: slugs[(batch * 1000 + i) % slugs.length]!.slug,
        environment: "production",
        status: i % 10 === 0 ? "failed" : "succeeded",
        startedAt: new Date(finished - 600_000).toISOString(),
        finishedAt: new Date(finished).toISOString(),
        source: "bench",
        externalId: `bench-${run}-${batch}-${i}`,
        commits: Array.from({ length: 4 }, (_, c) => ({ sha: `${run}${(batch * 4000 + i * 4 + c).toString(16).padStart(8, "0")}beef`, committedAt: new Date(finished - (c + 1) * 3_600_000).toISOString() })),
      });
    });
    let started = performance.now();
    const outcome = await ingestDeployments({ deployments, actor: { userId: 1 }, requestId: `bench-${batch}`, ip: null });
    ingestSamples.push(performance.now() - started);
    started = performance.now();
    await getPool().query("SELECT dora_refresh($1::int[])", [outcome.deployments.map((d) => d.id)]);
    refreshSamples.push(performance.now() - started);
  }
  console.log(`  ${"ingest 1,000 deployments × 4 commits, rollups included".padEnd(62)} ${stats(ingestSamples)}  (${load()})`);
  console.log(`  ${"  of which recomputing the 1,000 facts (dora_refresh)".padEnd(62)} ${stats(refreshSamples)}`);
} finally {
  await closeDb();
}
