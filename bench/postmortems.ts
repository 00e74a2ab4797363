/**
 * bench/postmortems — the three figures issue 18 names, on the demo history
 * with 1,000,000 production deployments (3 years, 200 teams, 2,000 services):
 *
 * - drafting an incident's evidence timeline (draftTimeline: deployments,
 *   pipeline stages, alarm transitions, service-map health, incident and
 *   audit events of the service and its neighbours), median over incidents;
 * - the insights page's data (getPostmortemInsights: every query the page
 * runs, over the whole organisation and its default period, 6 months);
 * - full-text search over 10,000 postmortems (findPostmortems with ?q),
 *   the postmortems written by the seed topped up to 10,000 with generated
 *   text (sections and action items, so the search vector is the triggers').
 *
 * Each figure is the time of the server use case the page or route calls,
 * against PostgreSQL, one call at a time; then the pages themselves (the
 * insights page, a search on the list) are fetched whole over HTTP from the
 * production build, signed in as an admin. The load average is printed.
 *
 *   npm run bench:postmortems [-- --deployments 1000000 --runs 40]
 *
 * With --reuse and a DATABASE_URL that already holds a seeded history (run it
 * through `tsx scripts/with-db.ts -- tsx --conditions=react-server bench/postmortems.ts --reuse`), the seed is skipped.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { closeDb, getPool } from "../lib/db";
import { inTransaction } from "../lib/db/transaction";
import { draftTimeline } from "../lib/postmortems/server/draft-timeline";
import { findPostmortems } from "../lib/postmortems/server/find-postmortems";
import { ZInsightsQuerySchema } from "../lib/postmortems/insights";
import { getPostmortemInsights } from "../lib/postmortems/server/get-postmortem-insights";
import { seedDemo } from "../scripts/lib/seed-runner";
import { startPortal } from "./server";
import { adminSessionCookie, medianAndP95 } from "./session";

const { values } = parseArgs({
  options: {
    deployments: { type: "string", default: "1000000" },
    postmortems: { type: "string", default: "10000" },
    runs: { type: "string", default: "40" },
    reuse: { type: "boolean", default: false },
  },
});
const DEPLOYMENTS = Number(values.deployments.replace(/_/g, ""));
const POSTMORTEMS = Number(values.postmortems);
const RUNS = Number(values.runs);
const NOW = new Date("2026-11-26T12:00:00Z");
const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
const pool = getPool();

const fmt = (xs: number[]) => {
  const { median, p95 } = medianAndP95(xs);
  return `median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${xs.length} runs`;
};

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const { rows: existing } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Deployment"`);
if (!values.reuse || existing[0]!.n === 0) {
  const started = performance.now();
  await seedDemo({ url: process.env.DATABASE_URL!, deployments: DEPLOYMENTS, days: 1095, teams: 200, services: 2000, now: NOW, log: () => undefined });
  console.log(`seeded ${DEPLOYMENTS.toLocaleString("en")} deployments in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const { rows: counts } = await pool.query<{ d: number; i: number; p: number }>(
  `SELECT (SELECT count(*)::int FROM "Deployment") d, (SELECT count(*)::int FROM "Incident") i, (SELECT count(*)::int FROM "Postmortem") p`,
);
console.log(`history: ${counts[0]!.d.toLocaleString("en")} deployments, ${counts[0]!.i.toLocaleString("en")} incidents, ${counts[0]!.p.toLocaleString("en")} postmortems`);

// 1. Drafting: incidents with a postmortem, spread over the history (every k-th), each drafted once, cold.
const { rows: targets } = await pool.query<{ id: number }>(
  `SELECT id FROM (SELECT p.id, row_number() OVER (ORDER BY i."openedAt") AS n, count(*) OVER () AS total
                   FROM "Postmortem" p JOIN "Incident" i ON i.id = p."incidentId") x
   WHERE n % greatest(1, total / $1) = 0 LIMIT $1`,
  [RUNS],
);
const drafting: number[] = [];
let entries = 0;
for (const { id } of targets) {
  drafting.push(
    await time(() =>
      inTransaction(async (sql) => {
        entries += (await draftTimeline(sql, { postmortemId: id, now: NOW })).entries;
      }),
    ),
  );
}
console.log(`drafting a timeline: ${fmt(drafting)} (${(entries / Math.max(1, targets.length)).toFixed(1)} entries each on average; goal ≤ 150 ms median) — ${load()}`);

// 2. Insights: the page's data for the whole organisation (its default view), then for one team.
const insights: number[] = [];
for (let i = 0; i < RUNS; i++) insights.push(await time(() => getPostmortemInsights({ query: ZInsightsQuerySchema.parse({}), now: NOW })));
console.log(`insights page data, whole organisation, default period: ${fmt(insights)} (goal ≤ 300 ms) — ${load()}`);

// 3. Search: top the postmortems up to 10,000 with generated text, then search for words of varying frequency.
const WORDS = ["timeout", "certificate", "throttling", "deadlock", "failover", "cache", "retry", "latency", "quota", "rollback", "canary", "dns", "memory", "disk", "queue"];
const missing = POSTMORTEMS - counts[0]!.p;
if (missing > 0) {
  const started = performance.now();
  await pool.query(
    `WITH teams AS (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM "Team"),
     made AS (
       INSERT INTO "Postmortem" ("teamId", title, status, "createdAt", "updatedAt")
       SELECT t.id, 'Bench postmortem ' || g || ': ' || ($2::text[])[1 + g % 15] || ' in ' || ($2::text[])[1 + (g / 15) % 15],
              (ARRAY['DRAFT','IN_REVIEW','APPROVED','PUBLISHED','PUBLISHED','PUBLISHED']::"PostmortemStatus"[])[1 + g % 6],
              $3::timestamptz - make_interval(days => g % 1000), $3::timestamptz - make_interval(days => g % 1000)
       FROM generate_series(1, $1::int) g JOIN teams t ON t.n = 1 + g % t.total
       RETURNING id)
     INSERT INTO "PostmortemSection" ("postmortemId", key, body, version)
     SELECT m.id, k, 'The ' || ($2::text[])[1 + (m.id + length(k)) % 15] || ' alarm fired after a ' || ($2::text[])[1 + (m.id * 7) % 15] ||
            ' change; responders saw ' || ($2::text[])[1 + (m.id * 3) % 15] || ' errors and rolled back. Customers retried and most orders went through.', 1
     FROM made m CROSS JOIN unnest(ARRAY['summary','impact','leadup','response']) AS k`,
    [missing, WORDS, NOW.toISOString()],
  );
  console.log(`added ${missing.toLocaleString("en")} generated postmortems in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const { rows: total } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Postmortem"`);
const queries = ["certificate", "dns failover", "rollback canary", "\"memory leak\"", "quota -throttling", "deadlock", "latency retry"];
const search: number[] = [];
let found = 0;
for (let i = 0; i < RUNS; i++) {
  const q = queries[i % queries.length]!;
  search.push(
    await time(async () => {
      found += (await findPostmortems({ query: { q }, now: NOW })).total;
    }),
  );
}
console.log(`search over ${total[0]!.n.toLocaleString("en")} postmortems: ${fmt(search)} (${Math.round(found / RUNS).toLocaleString("en")} matches per query on average; goal ≤ 50 ms median) — ${load()}`);

// 4. The pages over HTTP: the production build renders them whole (request to the last byte of the HTML), signed in as an admin.
// The pages read the clock, so their default period ends today rather than at NOW.
const cookie = await adminSessionCookie(pool);
const portal = await startPortal();
try {
  async function fetchPage(path: string, marker: string): Promise<number> {
    const started = performance.now();
    const response = await fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${body.slice(0, 300)}`);
    // A page that rendered its error boundary still answers 200 once streaming began: make sure its content is there.
    if (!body.includes(marker)) throw new Error(`${path} rendered without "${marker}"`);
    return performance.now() - started;
  }
  const pages = [
    ["/postmortems/insights (whole organisation, default period)", "/postmortems/insights", "How these figures are measured"],
    ["/postmortems/insights?period=12m (a year)", "/postmortems/insights?period=12m", "How these figures are measured"],
    ["/postmortems?q=certificate (search)", "/postmortems?q=certificate", "certificate"],
  ] as const;
  for (const [label, path, marker] of pages) {
    for (let i = 0; i < 3; i++) await fetchPage(path, marker); // warm up
    const samples: number[] = [];
    for (let i = 0; i < Math.max(10, RUNS / 2); i++) samples.push(await fetchPage(path, marker));
    console.log(`page ${label}: ${fmt(samples)} (goal for insights ≤ 300 ms) — ${load()}`);
  }
} finally {
  portal.stop();
}
await closeDb();
