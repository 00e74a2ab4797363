import "server-only";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";
import { db, getPool, Prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { healthOf, mapStats, type TRawCounts } from "@/lib/servicemap/health";
import { latencyBinValue } from "@/lib/servicemap/histogram";
import type { TMapEdge, TMapNode, TServiceMap, TServiceMapQuery } from "@/lib/servicemap/schemas";
import { planWindow, presetWindow, type TSegment, type TWindow } from "@/lib/servicemap/window";

interface TNodeRow {
  id: number;
  name: string;
  type: string;
  accountId: string;
  region: string;
  serviceSlug: string | null;
  serviceName: string | null;
  teamId: number | null;
  teamSlug: string | null;
  teamName: string | null;
}

interface TCountRow extends TRawCounts {
  id: number;
}

interface TEdgeRow extends TCountRow {
  sourceId: number;
  targetId: number;
}

/**
 * The buckets of the window's segments (hourly rows for whole hours, 5-minute rows for the ends), as one
 * OR of ranges on the (bucketSeconds, bucketStart) index: PostgreSQL reads each range with an index scan.
 * Parameters from $2 on: per segment, its start and end.
 */
function inSegments(alias: string, segments: TSegment[]): string {
  if (segments.length === 0) return "false";
  return `(${segments
    .map((s, i) => `(${alias}."bucketSeconds" = ${s.seconds} AND ${alias}."bucketStart" >= $${2 + 2 * i}::timestamptz AT TIME ZONE 'UTC' AND ${alias}."bucketStart" < $${3 + 2 * i}::timestamptz AT TIME ZONE 'UTC')`)
    .join(" OR ")})`;
}

export const segmentParams = (segments: TSegment[]) => segments.flatMap((s) => [s.from.toISOString(), s.to.toISOString()]);

/**
 * The histograms are merged with unnest in the select list (a streaming ProjectSet, the two arrays zipped as they
 * have the same length) rather than `FROM nb, unnest(bins, counts)`: that form runs a Function Scan per bucket row,
 * which materialises each row's pairs first, and was two thirds of the query's time in the bench's 24-hour plan.
 */
export const nodeTotalsSql = (segments: TSegment[], only = "") => `
  WITH nb AS MATERIALIZED (
    SELECT b."nodeId", b.requests, b.errors, b.faults, b.throttles, b."totalResponseTime", b."latencyBins", b."latencyCounts"
    FROM "ServiceGraphNodeBucket" b
    JOIN "ServiceGraphNode" n ON n.id = b."nodeId" AND n."groupName" = $1
    WHERE ${inSegments("b", segments)} ${only && `AND b."nodeId" = ANY (${only})`}
  ), totals AS (
    SELECT "nodeId" AS id, sum(requests)::float8 AS requests, sum(errors)::float8 AS errors, sum(faults)::float8 AS faults,
           sum(throttles)::float8 AS throttles, sum("totalResponseTime")::float8 AS "totalResponseTime"
    FROM nb GROUP BY "nodeId"
  ), bins AS (
    SELECT id, bin, sum(c) AS c FROM (SELECT "nodeId" AS id, unnest("latencyBins") AS bin, unnest("latencyCounts") AS c FROM nb) u GROUP BY 1, 2
  ), running AS (
    SELECT id, bin, sum(c) OVER (PARTITION BY id ORDER BY bin) AS seen, sum(c) OVER (PARTITION BY id) AS total FROM bins
  ), pct AS (
    SELECT id, min(bin) FILTER (WHERE seen >= 0.5 * total) AS p50, min(bin) FILTER (WHERE seen >= 0.95 * total) AS p95 FROM running GROUP BY id
  )
  SELECT totals.*, pct.p50, pct.p95 FROM totals LEFT JOIN pct USING (id)`;

export const edgeTotalsSql = (segments: TSegment[], only = "") => `
  WITH eb AS (
    SELECT b."edgeId" AS id, sum(b.requests)::float8 AS requests, sum(b.errors)::float8 AS errors, sum(b.faults)::float8 AS faults,
           sum(b.throttles)::float8 AS throttles, sum(b."totalResponseTime")::float8 AS "totalResponseTime"
    FROM "ServiceGraphEdgeBucket" b
    WHERE ${inSegments("b", segments)} ${only && `AND b."edgeId" = ANY (${only})`}
    GROUP BY b."edgeId"
  )
  SELECT eb.*, e."sourceId", e."targetId"
  FROM eb JOIN "ServiceGraphEdge" e ON e.id = eb.id JOIN "ServiceGraphNode" n ON n.id = e."sourceId" AND n."groupName" = $1`;

const NODES = `
  SELECT n.id, n.name, n.type, a."accountId", n.region, s.slug AS "serviceSlug", s.name AS "serviceName",
         t.id AS "teamId", t.slug AS "teamSlug", t.name AS "teamName"
  FROM "ServiceGraphNode" n
  JOIN "AwsAccount" a ON a.id = n."awsAccountId"
  LEFT JOIN "Service" s ON s.id = n."serviceId"
  LEFT JOIN "Team" t ON t.id = s."teamId"
  WHERE n."groupName" = $1 AND ($2::int[] IS NULL OR n.id = ANY ($2::int[]))
  ORDER BY n.id`;

export interface TAggregateOptions {
  group: string;
  window: TWindow;
  now?: Date;
  /** Only these nodes and edges (a team's or a service's part of the map: focusScope); all when absent. */
  scope?: { nodeIds: number[]; edgeIds: number[] };
}

/**
 * The service graph of a group over a window, every node and edge with
 * traffic in it, aggregated in PostgreSQL from the stored buckets (sums, and
 * p50/p95 from the merged latency histograms).
 */
export async function aggregateServiceGraph({ group, window, now = new Date(), scope }: TAggregateOptions): Promise<Pick<TServiceMap, "window" | "group" | "nodes" | "edges">> {
  const rawSince = new Date(now.getTime() - env().xrayRawRetentionHours * 3600_000);
  const plan = planWindow(window, rawSince);
  const minutes = (plan.window.to.getTime() - plan.window.from.getTime()) / 60_000;
  const params = [group, ...segmentParams(plan.segments)];
  const only = `$${params.length + 1}::int[]`;
  const pool = getPool();
  const [nodeTotals, edgeTotals, nodeRows] = await Promise.all([
    pool.query<TCountRow & { p50: number | null; p95: number | null }>(
      nodeTotalsSql(plan.segments, scope ? only : ""),
      scope ? [...params, scope.nodeIds] : params,
    ),
    pool.query<TEdgeRow>(edgeTotalsSql(plan.segments, scope ? only : ""), scope ? [...params, scope.edgeIds] : params),
    // A scoped map names only its own nodes: the nodes it aggregated, not every node of the group.
    pool.query<TNodeRow>(NODES, [group, scope ? scope.nodeIds : null]),
  ]);

  const totalsById = new Map(nodeTotals.rows.map((r) => [r.id, r]));
  const outgoing = new Map<number, TRawCounts>();
  const edges: TMapEdge[] = edgeTotals.rows.map((r) => {
    const stats = mapStats(r, minutes);
    const sum = outgoing.get(r.sourceId) ?? { requests: 0, errors: 0, faults: 0, throttles: 0, totalResponseTime: 0 };
    outgoing.set(r.sourceId, {
      requests: sum.requests + r.requests,
      errors: sum.errors + r.errors,
      faults: sum.faults + r.faults,
      throttles: sum.throttles + r.throttles,
      totalResponseTime: sum.totalResponseTime + r.totalResponseTime,
    });
    return { id: r.id, source: r.sourceId, target: r.targetId, ...stats, health: healthOf(stats) };
  });
  const endpoints = new Set(edges.flatMap((e) => [e.source, e.target]));
  const nodes: TMapNode[] = [];
  for (const n of nodeRows.rows) {
    const totals = totalsById.get(n.id);
    if (!totals && !endpoints.has(n.id)) continue;
    // Clients have no statistics of their own: what they sent is what their edges carried.
    const counts = totals ?? outgoing.get(n.id) ?? { requests: 0, errors: 0, faults: 0, throttles: 0, totalResponseTime: 0 };
    const stats = mapStats(counts, minutes);
    nodes.push({
      id: n.id,
      name: n.name,
      type: n.type,
      accountId: n.accountId,
      region: n.region,
      ...stats,
      p50Ms: totals?.p50 == null ? null : latencyBinValue(totals.p50),
      p95Ms: totals?.p95 == null ? null : latencyBinValue(totals.p95),
      health: healthOf(stats),
      service: n.serviceSlug ? { slug: n.serviceSlug, name: n.serviceName ?? n.serviceSlug } : null,
      team: n.teamSlug ? { slug: n.teamSlug, name: n.teamName ?? n.teamSlug } : null,
      isContext: false,
    });
  }
  return { window: { from: plan.window.from.toISOString(), to: plan.window.to.toISOString(), minutes }, group, nodes, edges };
}

/** Keeps the nodes of a team (and the teams nested in it), or of one service, and their direct neighbours as context. */
export function focusGraph<T extends Pick<TServiceMap, "nodes" | "edges">>(graph: T, isOwn: (node: TMapNode) => boolean): T {
  const own = new Set(graph.nodes.filter(isOwn).map((n) => n.id));
  const edges = graph.edges.filter((e) => own.has(e.source) || own.has(e.target));
  const shown = new Set([...own, ...edges.flatMap((e) => [e.source, e.target])]);
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => shown.has(n.id)).map((n) => ({ ...n, isContext: !own.has(n.id) })),
    edges,
  };
}

/**
 * The part of a group's map that a team's or a service's view can show (focusGraph): the nodes mapped to it, the
 * nodes one edge away, and every edge of those (a client node's figures are the sum of its edges). Read from the
 * graph's structure, so that only these nodes' and edges' buckets are aggregated: the whole organisation's map
 * cost a team page 120 ms of its 200 at 1,000,000 deployments.
 */
async function focusScope(group: string, teams: Set<string> | null, service: string | undefined): Promise<{ nodeIds: number[]; edgeIds: number[] }> {
  const { rows } = await getPool().query<{ nodeIds: number[]; edgeIds: number[] }>(
    `WITH own AS (
       SELECT n.id FROM "ServiceGraphNode" n JOIN "Service" s ON s.id = n."serviceId" JOIN "Team" t ON t.id = s."teamId"
       WHERE n."groupName" = $1 AND ($2::text[] IS NULL OR t.slug = ANY ($2::text[])) AND ($3::text IS NULL OR s.slug = $3::text)),
     shown AS (
       SELECT id FROM own
       UNION SELECT e."targetId" FROM "ServiceGraphEdge" e WHERE e."sourceId" IN (SELECT id FROM own)
       UNION SELECT e."sourceId" FROM "ServiceGraphEdge" e WHERE e."targetId" IN (SELECT id FROM own))
     SELECT ARRAY(SELECT id FROM shown) AS "nodeIds",
            ARRAY(SELECT e.id FROM "ServiceGraphEdge" e WHERE e."sourceId" IN (SELECT id FROM shown) OR e."targetId" IN (SELECT id FROM shown)) AS "edgeIds"`,
    [group, teams ? [...teams] : null, service ?? null],
  );
  return rows[0] ?? { nodeIds: [], edgeIds: [] };
}

async function teamSlugs(slug: string): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ slug: string }[]>(Prisma.sql`SELECT slug FROM "Team" WHERE id IN ${teamTreeIds(slug)}`);
  if (rows.length === 0) throw new AppError("NOT_FOUND", `No team ${slug}.`);
  return new Set(rows.map((r) => r.slug));
}

async function groupNames(): Promise<string[]> {
  const { rows } = await getPool().query<{ groupName: string }>(`SELECT DISTINCT "groupName" FROM "ServiceGraphNode" ORDER BY 1`);
  const names = rows.map((r) => r.groupName);
  return names.includes("Default") ? names : ["Default", ...names];
}

/** GET /api/servicemap and the map pages: the map for a window, a group, and optionally a team or a service. */
export async function getServiceMap(query: TServiceMapQuery, now: Date = new Date()): Promise<TServiceMap> {
  const window: TWindow =
    query.window === "custom" ? { from: new Date(query.from!), to: new Date(query.to!) } : presetWindow(query.window, now);
  const teams = query.team ? await teamSlugs(query.team) : null;
  const isFocused = teams !== null || query.service !== undefined;
  const scope = isFocused ? await focusScope(query.group, teams, query.service) : undefined;
  const [graph, groups] = await Promise.all([aggregateServiceGraph({ group: query.group, window, now, scope }), groupNames()]);
  let focused = graph;
  if (teams) focused = focusGraph(graph, (n) => n.team !== null && teams.has(n.team.slug));
  if (query.service) focused = focusGraph(focused, (n) => n.service?.slug === query.service);
  return { ...focused, groups };
}
