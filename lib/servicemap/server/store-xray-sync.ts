import "server-only";
import { inTransaction, type TSql } from "@/lib/db/transaction";
import { rebuildHourlyBuckets } from "@/lib/servicemap/bucket-store";
import { BUCKET_SECONDS, type TGraphStats, type TNodeKey, type TTraceSummaryRecord } from "@/lib/servicemap/collect/types";
import type { TCollectRegionResult, TGroupGraph, TRegionCursors } from "@/lib/servicemap/collect/collect-region";
import { DEFAULT_GROUP } from "@/lib/servicemap/collect/xray";
import { serviceMatcher, type TCatalogServiceRef } from "@/lib/servicemap/service-mapping";

export interface TStoreXraySyncOutcome {
  nodes: number;
  edges: number;
  buckets: number;
  traces: number;
}

const nodeKey = (groupName: string, n: TNodeKey) => `${groupName}\u0000${n.type}\u0000${n.name}`;

/** Where the last run of this account × region stopped, per group, and for traces. */
export async function loadXrayCursors(sql: Pick<TSql, "query">, awsAccountId: number, region: string): Promise<TRegionCursors> {
  const { rows } = await sql.query<{ groupName: string; collectedUntil: Date | null; tracesUntil: Date | null }>(
    `SELECT "groupName", "collectedUntil" AT TIME ZONE 'UTC' AS "collectedUntil", "tracesUntil" AT TIME ZONE 'UTC' AS "tracesUntil"
     FROM "ServiceGraphCursor" WHERE "awsAccountId" = $1 AND region = $2`,
    [awsAccountId, region],
  );
  return {
    graphs: new Map(rows.flatMap((r) => (r.collectedUntil ? [[r.groupName, r.collectedUntil] as const] : []))),
    traces: rows.find((r) => r.groupName === DEFAULT_GROUP)?.tracesUntil ?? null,
  };
}

async function catalogServices(sql: TSql): Promise<TCatalogServiceRef[]> {
  const { rows } = await sql.query<TCatalogServiceRef>(`SELECT id, slug, name, "xrayName" FROM "Service"`);
  return rows;
}

const statsJson = (s: TGraphStats) => ({
  requests: s.requests,
  errors: s.errors,
  faults: s.faults,
  throttles: s.throttles,
  rt: s.totalResponseTime,
  bins: s.histogram.bins,
  counts: s.histogram.counts,
});

const BUCKET_COLUMNS = `(id int, start timestamptz, requests int, errors int, faults int, throttles int, rt float8, bins int[], counts int[])`;

async function storeGroup(sql: TSql, awsAccountId: number, region: string, graph: TGroupGraph, match: ReturnType<typeof serviceMatcher>) {
  const groupName = graph.group.name;
  // Nodes: every (name, type) seen in any bucket, mapped to the catalog as it stands now.
  const keys = new Map<string, TNodeKey>();
  for (const b of graph.buckets) {
    for (const n of b.nodes) keys.set(nodeKey(groupName, n), { name: n.name, type: n.type });
    for (const e of b.edges) for (const n of [e.source, e.target]) keys.set(nodeKey(groupName, n), n);
  }
  const nodeRows = [...keys.values()].map((n) => ({ name: n.name, type: n.type, serviceId: match(n)?.serviceId ?? null }));
  const nodeIds = new Map<string, number>();
  if (nodeRows.length > 0) {
    const { rows } = await sql.query<{ id: number; name: string; type: string }>(
      `INSERT INTO "ServiceGraphNode" ("awsAccountId", region, "groupName", name, type, "serviceId")
       SELECT $1, $2, $3, r.name, r.type, r."serviceId" FROM jsonb_to_recordset($4::jsonb) AS r(name text, type text, "serviceId" int)
       ON CONFLICT ("awsAccountId", region, "groupName", name, type) DO UPDATE SET "serviceId" = excluded."serviceId"
       RETURNING id, name, type`,
      [awsAccountId, region, groupName, JSON.stringify(nodeRows)],
    );
    for (const r of rows) nodeIds.set(nodeKey(groupName, r), r.id);
  }
  const idOf = (n: TNodeKey) => nodeIds.get(nodeKey(groupName, n))!;

  const edgePairs = new Map<string, { sourceId: number; targetId: number }>();
  for (const b of graph.buckets) for (const e of b.edges) edgePairs.set(`${idOf(e.source)}>${idOf(e.target)}`, { sourceId: idOf(e.source), targetId: idOf(e.target) });
  const edgeIds = new Map<string, number>();
  if (edgePairs.size > 0) {
    const { rows } = await sql.query<{ id: number; sourceId: number; targetId: number }>(
      `INSERT INTO "ServiceGraphEdge" ("sourceId", "targetId")
       SELECT r."sourceId", r."targetId" FROM jsonb_to_recordset($1::jsonb) AS r("sourceId" int, "targetId" int)
       ON CONFLICT ("sourceId", "targetId") DO UPDATE SET "sourceId" = excluded."sourceId"
       RETURNING id, "sourceId", "targetId"`,
      [JSON.stringify([...edgePairs.values()])],
    );
    for (const r of rows) edgeIds.set(`${r.sourceId}>${r.targetId}`, r.id);
  }

  // The 5-minute rows of the range read are replaced whole: a re-read is idempotent, and a bucket that came back empty clears.
  const from = graph.from.toISOString();
  const to = graph.to.toISOString();
  const scope = `"bucketSeconds" = ${BUCKET_SECONDS} AND "bucketStart" >= $3::timestamptz AT TIME ZONE 'UTC' AND "bucketStart" < $4::timestamptz AT TIME ZONE 'UTC'`;
  await sql.query(
    `DELETE FROM "ServiceGraphNodeBucket" b USING "ServiceGraphNode" n
     WHERE b."nodeId" = n.id AND n."awsAccountId" = $1 AND n.region = $2 AND n."groupName" = $5 AND ${scope}`,
    [awsAccountId, region, from, to, groupName],
  );
  await sql.query(
    `DELETE FROM "ServiceGraphEdgeBucket" b USING "ServiceGraphEdge" e, "ServiceGraphNode" n
     WHERE b."edgeId" = e.id AND e."sourceId" = n.id AND n."awsAccountId" = $1 AND n.region = $2 AND n."groupName" = $5 AND ${scope}`,
    [awsAccountId, region, from, to, groupName],
  );
  const nodeBuckets = graph.buckets.flatMap((b) => b.nodes.filter((n) => n.stats && n.stats.requests > 0).map((n) => ({ id: idOf(n), start: b.start.toISOString(), ...statsJson(n.stats!) })));
  const edgeBuckets = graph.buckets.flatMap((b) =>
    b.edges.filter((e) => e.stats.requests > 0).map((e) => ({ id: edgeIds.get(`${idOf(e.source)}>${idOf(e.target)}`)!, start: b.start.toISOString(), ...statsJson(e.stats) })),
  );
  for (const [table, key, rows] of [
    ["ServiceGraphNodeBucket", "nodeId", nodeBuckets],
    ["ServiceGraphEdgeBucket", "edgeId", edgeBuckets],
  ] as const) {
    for (let i = 0; i < rows.length; i += 2000) {
      await sql.query(
        `INSERT INTO "${table}" ("${key}", "bucketStart", "bucketSeconds", requests, errors, faults, throttles, "totalResponseTime", "latencyBins", "latencyCounts")
         SELECT r.id, r.start AT TIME ZONE 'UTC', ${BUCKET_SECONDS}, r.requests, r.errors, r.faults, r.throttles, r.rt, r.bins, r.counts
         FROM jsonb_to_recordset($1::jsonb) AS r${BUCKET_COLUMNS}`,
        [JSON.stringify(rows.slice(i, i + 2000))],
      );
    }
  }
  if (graph.from < graph.to) {
    const { rows: scopeNodes } = await sql.query<{ id: number }>(`SELECT id FROM "ServiceGraphNode" WHERE "awsAccountId" = $1 AND region = $2 AND "groupName" = $3`, [awsAccountId, region, groupName]);
    const ids = scopeNodes.map((r) => r.id);
    const { rows: scopeEdges } = await sql.query<{ id: number }>(`SELECT id FROM "ServiceGraphEdge" WHERE "sourceId" = ANY($1::int[])`, [ids]);
    await rebuildHourlyBuckets(sql, { from: graph.from, to: graph.to, nodeIds: ids, edgeIds: scopeEdges.map((r) => r.id) });
    await sql.query(
      `INSERT INTO "ServiceGraphCursor" ("awsAccountId", region, "groupName", "collectedUntil") VALUES ($1, $2, $3, $4::timestamptz AT TIME ZONE 'UTC')
       ON CONFLICT ("awsAccountId", region, "groupName") DO UPDATE SET "collectedUntil" = excluded."collectedUntil"`,
      [awsAccountId, region, groupName, to],
    );
  }
  return { nodes: nodeRows.length, edges: edgePairs.size, buckets: nodeBuckets.length + edgeBuckets.length };
}

async function storeTraces(sql: TSql, awsAccountId: number, region: string, traces: NonNullable<TCollectRegionResult["traces"]>, match: ReturnType<typeof serviceMatcher>) {
  const rows = traces.summaries.map((t: TTraceSummaryRecord) => {
    const service = t.entryPoint ? match(t.entryPoint) : null;
    return {
      traceId: t.traceId,
      serviceId: service?.serviceId ?? null,
      startedAt: t.startedAt.toISOString(),
      durationMs: t.durationMs,
      responseMs: t.responseMs,
      hasFault: t.hasFault,
      hasError: t.hasError,
      hasThrottle: t.hasThrottle,
      httpMethod: t.httpMethod,
      httpUrl: t.httpUrl?.slice(0, 2000) ?? null,
      httpStatus: t.httpStatus,
      annotations: t.annotations,
      entryPoint: t.entryPoint?.name ?? null,
      reason: t.reason,
    };
  });
  for (let i = 0; i < rows.length; i += 1000) {
    await sql.query(
      `INSERT INTO "TraceSummary" ("awsAccountId", region, "traceId", "serviceId", "startedAt", "durationMs", "responseMs", "hasFault", "hasError", "hasThrottle",
                                   "httpMethod", "httpUrl", "httpStatus", annotations, "entryPoint", reason)
       SELECT $1, $2, r."traceId", r."serviceId", r."startedAt" AT TIME ZONE 'UTC', r."durationMs", r."responseMs", r."hasFault", r."hasError", r."hasThrottle",
              r."httpMethod", r."httpUrl", r."httpStatus", r.annotations, r."entryPoint", r.reason
       FROM jsonb_to_recordset($3::jsonb) AS r("traceId" text, "serviceId" int, "startedAt" timestamptz, "durationMs" float8, "responseMs" float8,
            "hasFault" bool, "hasError" bool, "hasThrottle" bool, "httpMethod" text, "httpUrl" text, "httpStatus" int, annotations jsonb, "entryPoint" text, reason text)
       ON CONFLICT ("awsAccountId", region, "traceId") DO UPDATE SET "serviceId" = excluded."serviceId", "durationMs" = excluded."durationMs",
         "responseMs" = excluded."responseMs", "hasFault" = excluded."hasFault", "hasError" = excluded."hasError", "hasThrottle" = excluded."hasThrottle",
         "httpStatus" = excluded."httpStatus", annotations = excluded.annotations, "entryPoint" = excluded."entryPoint", reason = excluded.reason`,
      [awsAccountId, region, JSON.stringify(rows.slice(i, i + 1000))],
    );
  }
  await sql.query(
    `INSERT INTO "ServiceGraphCursor" ("awsAccountId", region, "groupName", "collectedUntil", "tracesUntil")
     VALUES ($1, $2, $3, $5::timestamptz AT TIME ZONE 'UTC', $4::timestamptz AT TIME ZONE 'UTC')
     ON CONFLICT ("awsAccountId", region, "groupName") DO UPDATE SET "tracesUntil" = excluded."tracesUntil"`,
    // A first row for the Default group (its graph failed this run) starts its graph cursor where this run's reads began:
    // the next run reads the graph from there.
    [awsAccountId, region, DEFAULT_GROUP, traces.to.toISOString(), traces.from.toISOString()],
  );
  return rows.length;
}

/**
 * Stores one account × region's collection in one transaction: nodes and
 * edges (mapped to catalog services), the 5-minute buckets of the range read
 * (replaced, so a re-run is idempotent), the hourly rows of the hours they
 * touch, the trace summaries, and the cursors.
 */
export async function storeXraySync({ awsAccountId, result }: { awsAccountId: number; result: TCollectRegionResult }): Promise<TStoreXraySyncOutcome> {
  return inTransaction(async (sql) => {
    const match = serviceMatcher(await catalogServices(sql));
    const outcome: TStoreXraySyncOutcome = { nodes: 0, edges: 0, buckets: 0, traces: 0 };
    for (const graph of result.graphs) {
      const stored = await storeGroup(sql, awsAccountId, result.region, graph, match);
      outcome.nodes += stored.nodes;
      outcome.edges += stored.edges;
      outcome.buckets += stored.buckets;
    }
    if (result.traces) outcome.traces = await storeTraces(sql, awsAccountId, result.region, result.traces, match);
    return outcome;
  });
}
