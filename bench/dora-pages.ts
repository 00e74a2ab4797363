/**
 * bench/dora-pages — how long the DORA pages take to render on the server
 * with a large history: the demo generator writes N production deployments
 * (3 years, 200 teams, 2,000 services, as bench/dora), then the production
 * build serves /exec and a team page (its DORA dashboard on top) over HTTP,
 * signed in as an admin, one request at a time. The time is from request to
 * the last byte of the HTML, which is the whole server render (the pages
 * stream, so the first byte comes sooner).
 *
 *   npm run bench:dora-pages [-- --deployments 1000000 --requests 20]
 *
 * With --reuse and a DATABASE_URL that already holds a seeded history (run it
 * through `tsx scripts/with-db.ts -- tsx bench/dora-pages.ts --reuse`, without
 * --fresh), the seed is skipped, as in bench/dora. The load average is printed
 * beside each figure.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { seedDemo } from "../scripts/lib/seed-runner";
import { startPortal } from "./server";
import { adminSessionCookie, medianAndP95 } from "./session";

const { values } = parseArgs({
  options: {
    deployments: { type: "string", default: "1000000" },
    requests: { type: "string", default: "20" },
    teams: { type: "string", default: "200" },
    services: { type: "string", default: "2000" },
    reuse: { type: "boolean", default: false },
  },
});
const DEPLOYMENTS = Number(values.deployments.replace(/_/g, ""));
const REQUESTS = Number(values.requests);
const url = process.env.DATABASE_URL!;

const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows: existing } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Team"`);
const isReused = values.reuse && (existing[0]?.n ?? 0) > 0;
// The pages compute windows from the clock, so the history ends now.
const seedStarted = performance.now();
if (!isReused) await seedDemo({ url, deployments: DEPLOYMENTS, days: 1095, teams: Number(values.teams), services: Number(values.services), now: new Date(), log: (line) => console.error(`[bench] ${line}`) });
const seedSeconds = (performance.now() - seedStarted) / 1000;

await client.query(`VACUUM ANALYZE "DoraDeploymentFact", "DoraDay", "DoraHistogram"`);
const { rows: counts } = await client.query<{ d: number; t: number }>(`SELECT (SELECT count(*)::int FROM "Deployment") d, (SELECT count(*)::int FROM "Team") t`);
// A team that ships (not a group), with a typical history.
const { rows: picks } = await client.query<{ slug: string; service: string }>(
  `SELECT t.slug, (SELECT s.slug FROM "Service" s WHERE s."teamId" = t.id ORDER BY s.id LIMIT 1) AS service
   FROM "Team" t WHERE t."parentId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Team" c WHERE c."parentId" = t.id) ORDER BY t.id LIMIT 1`,
);
const cookie = await adminSessionCookie(client);
await client.end();
const team = picks[0]!.slug;
const service = picks[0]!.service;

const portal = await startPortal();
async function time(path: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${response.headers.get("location") ?? ""} ${body.slice(0, 300)}`);
  // A page that rendered its error boundary still answers 200 once streaming began: make sure the figures are there.
  if (!body.includes("Deployment frequency")) throw new Error(`${path} rendered without its figures`);
  return { ms: performance.now() - started, bytes: body.length };
}
function stats(samples: number[]) {
  const { median, p95 } = medianAndP95(samples);
  return `median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms`;
}
try {
  const cases = [
    ["/exec (every team, 90 days + the 90 before, 12 months of org trend)", "/exec"],
    [`/teams/${team} (team page with its DORA dashboard, 90 days)`, `/teams/${team}`],
    [`/teams/${team}?window=365 (a year)`, `/teams/${team}?window=365`],
    [`/teams/${team}?service=${service} (one service, exact)`, `/teams/${team}?service=${service}`],
    ["/dora (the organisation, 90 days)", "/dora"],
  ] as const;
  for (const [, path] of cases) for (let i = 0; i < 3; i++) await time(path); // warm up
  console.log(
    `DORA pages benchmark: ${counts[0]!.d.toLocaleString("en")} deployments over 3 years, ${counts[0]!.t} teams, ${isReused ? "seeded earlier (reused)" : `seeded in ${seedSeconds.toFixed(0)} s`}; ` +
      `${REQUESTS} requests each, one at a time, full HTML over HTTP from the production build`,
  );
  for (const [label, path] of cases) {
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const r = await time(path);
      samples.push(r.ms);
      bytes = r.bytes;
    }
    console.log(`  ${label.padEnd(72)} ${stats(samples)}  (${Math.round(bytes / 1024)} KiB; ${load()})`);
  }
} finally {
  portal.stop();
}
