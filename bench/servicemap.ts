/**
 * bench/servicemap — the service map at scale: a 500-node, 1,500-edge graph.
 * 1. The AWS calls to collect one hour of it (5-minute buckets, every page;
 *    X-Ray answered by the in-memory fake, whose page size is an assumption:
 *    X-Ray does not document GetServiceGraph's).
 * 2. The time to aggregate a 24-hour window from stored buckets in PostgreSQL
 *    (goal ≤ 100 ms), with the 23 hours before the collected one written
 *    straight into the tables.
 * 3. With --browser, the time until /service-map of that graph is laid out
 *    and interactive in headless Chromium (goal ≤ 1 s): from navigation start
 *    to the map's own "servicemap:interactive" mark (set once the laid-out,
 *    fitted map has been painted), collapsed by team (how it opens) and with
 *    every node expanded; against the production build. With the median, the
 *    time to first byte and to DOMContentLoaded, to say where the time went.
 * With --explain, the query plans of the aggregation.
 *
 *   npm run bench:servicemap [-- --nodes 500 --edges 1500 --runs 15 --browser --explain]
 */
import { GetGroupsCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from "@aws-sdk/client-xray";
import { mockClient } from "aws-sdk-client-mock";
import { createHmac, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { copyRows } from "../scripts/lib/copy";
import { closeDb, getPool } from "../lib/db";
import { rebuildHourlyBuckets } from "../lib/servicemap/bucket-store";
import { ACCOUNT_ID, REGION, serveFakeXray, syntheticGraph } from "../lib/testing/aws/fake-xray";
import { graphFromServices } from "../lib/servicemap/collect/xray";
import { aggregateServiceGraph, edgeTotalsSql, nodeTotalsSql, segmentParams } from "../lib/servicemap/server/get-service-map";
import { planWindow } from "../lib/servicemap/window";
import { syncXray } from "../lib/servicemap/server/sync-xray";
import { BENCH_AUTH_SECRET, startPortal } from "./server";

const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "500" },
    edges: { type: "string", default: "1500" },
    runs: { type: "string", default: "15" },
    "page-size": { type: "string", default: "100" },
    explain: { type: "boolean", default: false },
    browser: { type: "boolean", default: false },
  },
});
const NODES = Number(values.nodes);
const EDGES = Number(values.edges);
const RUNS = Number(values.runs);
/** Page loads measured per view (after one that warms the server). */
const RUNS_IN_BROWSER = 7;
const HOUR = 3600_000;

const pool = getPool();
const now = new Date(Math.floor(Date.now() / 300_000) * 300_000 + 150_000);
const graph = syntheticGraph({ nodes: NODES, edges: EDGES, seed: 5 });
const { rows: acct } = await pool.query<{ id: number }>(`INSERT INTO "AwsAccount" ("accountId", name, regions, "updatedAt") VALUES ($1, 'bench', $2, now()) RETURNING id`, [ACCOUNT_ID, [REGION]]);
const awsAccountId = acct[0]!.id;

// The services are in the catalog, 10 to a team, so that the map can collapse by team as it does for an organisation.
const serviceNames = graph.nodes.filter((n) => n.name.startsWith("svc-")).map((n) => n.name);
for (let t = 0; t * 10 < serviceNames.length; t++) {
  const { rows: team } = await pool.query<{ id: number }>(`INSERT INTO "Team" (slug, name, "updatedAt") VALUES ($1, $2, now()) RETURNING id`, [`team-${t + 1}`, `Team ${t + 1}`]);
  for (const slug of serviceNames.slice(t * 10, t * 10 + 10)) {
    await pool.query(`INSERT INTO "Service" (slug, name, "teamId", "updatedAt") VALUES ($1, $1, $2, now())`, [slug, team[0]!.id]);
  }
}

// 1. One hour collected through the X-Ray adapter, calls counted.
const client = new XRayClient({ region: REGION });
const xray = mockClient(client);
serveFakeXray(xray, { groups: [{ GroupName: "Default", GroupARN: `arn:aws:xray:${REGION}:${ACCOUNT_ID}:group/Default` }], graph: (_g, start) => graph.services(start), pageSize: Number(values["page-size"]) });
const collectStarted = performance.now();
const [outcome] = await syncXray({ accountId: ACCOUNT_ID, createClient: () => client, now, backfillMs: HOUR, lagMs: 150_000 });
const collectMs = performance.now() - collectStarted;
if (outcome?.status !== "SUCCEEDED") throw new Error(`collection ${outcome?.status}: ${outcome?.error}`);
const calls = {
  GetGroups: xray.commandCalls(GetGroupsCommand).length,
  GetServiceGraph: xray.commandCalls(GetServiceGraphCommand).length,
  GetTraceSummaries: xray.commandCalls(GetTraceSummariesCommand).length,
};
console.log(`graph: ${graph.nodes.length} nodes, ${graph.edges.length} edges`);
console.log(
  `collect one hour: ${Object.values(calls).reduce((a, b) => a + b, 0)} AWS calls (${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(", ")}; ` +
    `12 buckets × ${Math.ceil(NODES / Number(values["page-size"]))} pages of ${values["page-size"]} services), stored ${outcome.stored?.buckets} bucket rows in ${(collectMs / 1000).toFixed(1)} s`,
);

// 2. The 23 hours before it, written straight into the tables (what 23 hours of collection would have stored).
const { rows: nodeRows } = await pool.query<{ id: number; name: string; type: string }>(`SELECT id, name, type FROM "ServiceGraphNode" WHERE "awsAccountId" = $1`, [awsAccountId]);
const { rows: edgeRows } = await pool.query<{ id: number; sourceId: number; targetId: number }>(`SELECT e.id, e."sourceId", e."targetId" FROM "ServiceGraphEdge" e JOIN "ServiceGraphNode" n ON n.id = e."sourceId" WHERE n."awsAccountId" = $1`, [awsAccountId]);
const nodeId = new Map(nodeRows.map((r) => [`${r.type}|${r.name}`, r.id]));
const edgeId = new Map(edgeRows.map((r) => [`${r.sourceId}>${r.targetId}`, r.id]));
const collectedFrom = Math.floor((now.getTime() - 150_000) / 300_000) * 300_000 - HOUR;
const from = collectedFrom - 23 * HOUR;
const fillStarted = performance.now();
const db = await pool.connect();
try {
  const nodeBuckets: unknown[][] = [];
  const edgeBuckets: unknown[][] = [];
  for (let t = from; t < collectedFrom; t += 300_000) {
    const bucket = graphFromServices(graph.services(new Date(t)));
    const start = new Date(t);
    for (const n of bucket.nodes) {
      if (!n.stats) continue;
      const s = n.stats;
      nodeBuckets.push([nodeId.get(`${n.type}|${n.name}`), start, 300, s.requests, s.errors, s.faults, s.throttles, s.totalResponseTime, `{${s.histogram.bins.join(",")}}`, `{${s.histogram.counts.join(",")}}`]);
    }
    for (const e of bucket.edges) {
      const s = e.stats;
      const id = edgeId.get(`${nodeId.get(`${e.source.type}|${e.source.name}`)}>${nodeId.get(`${e.target.type}|${e.target.name}`)}`);
      edgeBuckets.push([id, start, 300, s.requests, s.errors, s.faults, s.throttles, s.totalResponseTime, `{${s.histogram.bins.join(",")}}`, `{${s.histogram.counts.join(",")}}`]);
    }
  }
  const columns = ["bucketStart", "bucketSeconds", "requests", "errors", "faults", "throttles", "totalResponseTime", "latencyBins", "latencyCounts"];
  await copyRows(db, "ServiceGraphNodeBucket", ["nodeId", ...columns], nodeBuckets, (r) => r);
  await copyRows(db, "ServiceGraphEdgeBucket", ["edgeId", ...columns], edgeBuckets, (r) => r);
  await rebuildHourlyBuckets(db, { from: new Date(from), to: new Date(collectedFrom), nodeIds: null, edgeIds: null });
  await db.query(`ANALYZE "ServiceGraphNodeBucket"; ANALYZE "ServiceGraphEdgeBucket"; ANALYZE "ServiceGraphNode"; ANALYZE "ServiceGraphEdge"`);
  console.log(`stored 24 hours: ${(nodeBuckets.length + edgeBuckets.length).toLocaleString("en")} more 5-minute rows and their hourly rows in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);
} finally {
  db.release();
}

// 3. The 24-hour aggregation, as GET /api/servicemap runs it.
const window = { from: new Date(now.getTime() - 24 * HOUR), to: now };
const samples: number[] = [];
let last: Awaited<ReturnType<typeof aggregateServiceGraph>> | undefined;
for (let i = 0; i < RUNS + 2; i++) {
  const started = performance.now();
  last = await aggregateServiceGraph({ group: "Default", window, now });
  if (i >= 2) samples.push(performance.now() - started);
}
samples.sort((a, b) => a - b);
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
console.log(
  `aggregate 24 hours (${last!.nodes.length} nodes, ${last!.edges.length} edges, p50/p95 per node): median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms over ${RUNS} runs (goal ≤ 100 ms)`,
);

if (values.explain) {
  const plan = planWindow(window, new Date(now.getTime() - 48 * HOUR));
  for (const sql of [nodeTotalsSql(plan.segments), edgeTotalsSql(plan.segments)]) {
    const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, ["Default", ...segmentParams(plan.segments)]);
    console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"));
  }
}

if (values.browser) {
  // A session for a user, signed as better-auth signs its cookie (as bench/board does).
  const token = randomBytes(24).toString("base64url");
  await pool.query(`INSERT INTO "User" (email, name, "orgRole", "updatedAt") VALUES ('bench@example.com', 'Bench', 'ADMIN', now()) ON CONFLICT DO NOTHING`);
  await pool.query(
    `INSERT INTO "Session" (token, "userId", "expiresAt", "createdAt", "updatedAt") SELECT $1, id, now() + interval '1 day', now(), now() FROM "User" WHERE email = 'bench@example.com'`,
    [token],
  );
  const signature = createHmac("sha256", BENCH_AUTH_SECRET).update(token).digest("base64");
  const portal = await startPortal();
  const browser = await chromium.launch({ executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    // A production server names the cookie __Secure-…, which a browser will not store for http://127.0.0.1: send it as a header instead.
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
      extraHTTPHeaders: { cookie: `__Secure-portside.session_token=${encodeURIComponent(`${token}.${signature}`)}` },
    });
    const page = await context.newPage();
    for (const [label, path] of [
      ["collapsed by team (as it opens)", "/service-map?window=24h"],
      ["every node expanded", "/service-map?window=24h&expand=all"],
    ] as const) {
      const times: number[] = [];
      const served: number[] = [];
      const parsed: number[] = [];
      let shown = "";
      for (let i = 0; i < RUNS_IN_BROWSER + 1; i++) {
        await page.goto(`${portal.baseUrl}${path}`);
        await page.locator('[data-testid="service-map"][data-ready="true"]').waitFor({ timeout: 60_000 });
        // Where the time went: the server's answer (first byte), the page's scripts (DOMContentLoaded), then hydration, layout and drawing up to the mark.
        const timing = await page.evaluate(() => {
          const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
          return { mark: performance.getEntriesByName("servicemap:interactive").at(-1)?.startTime ?? null, firstByte: nav?.responseStart ?? 0, loaded: nav?.domContentLoadedEventEnd ?? 0 };
        });
        shown = (await page.getByTestId("service-map").getAttribute("aria-label")) ?? "";
        // The first load warms the server's caches; the rest are what a user sees.
        if (i > 0 && timing.mark !== null) {
          times.push(timing.mark);
          served.push(timing.firstByte);
          parsed.push(timing.loaded);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
      console.log(
        `map interactive in Chromium, ${label}: median ${median(times)} ms from navigation, range ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms over ${times.length} loads ` +
          `(first byte ${median(served)} ms, DOMContentLoaded ${median(parsed)} ms; ${shown}; goal ≤ 1 s)`,
      );
    }
  } finally {
    await browser.close();
    portal.stop();
  }
}
await closeDb();
