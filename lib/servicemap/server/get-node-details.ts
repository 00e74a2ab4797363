import "server-only";
import { getPool } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { HOUR_SECONDS } from "@/lib/servicemap/collect/types";
import type { TWindow } from "@/lib/servicemap/window";

export interface TNodeDetails {
  node: { id: number; name: string; type: string; region: string; accountId: string; service: { slug: string; name: string; team: { slug: string; name: string } } | null };
  /** Per bucket over the window: hourly for windows over 6 hours (or where only hours are left), else 5-minute. */
  series: { at: string; requests: number; errors: number; faults: number; throttles: number; meanMs: number | null }[];
  seriesStepSeconds: number;
  alarms: { id: number; name: string; state: string; severity: string | null; stateUpdatedAt: string }[];
  openIncidents: { id: number; title: string; severity: string; status: string; openedAt: string }[];
  deployments: { id: number; environment: string; status: string; version: string | null; startedAt: string; finishedAt: string | null }[];
  traces: { traceId: string; startedAt: string; durationMs: number; reason: string | null; httpStatus: number | null; httpMethod: string | null; httpUrl: string | null }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The side panel of one map node: its series over the window, and when it is
 * a catalog service, its alarms, open incidents, recent deployments and its
 * slowest and failing traces (read from the Alarm, Incident, Deployment and
 * TraceSummary tables directly).
 */
export async function getNodeDetails({ nodeId, window, now = new Date() }: { nodeId: number; window: TWindow; now?: Date }): Promise<TNodeDetails> {
  const pool = getPool();
  const { rows } = await pool.query<{
    id: number;
    name: string;
    type: string;
    region: string;
    accountId: string;
    serviceId: number | null;
    serviceSlug: string | null;
    serviceName: string | null;
    teamSlug: string | null;
    teamName: string | null;
  }>(
    `SELECT n.id, n.name, n.type, n.region, a."accountId", s.id AS "serviceId", s.slug AS "serviceSlug", s.name AS "serviceName", t.slug AS "teamSlug", t.name AS "teamName"
     FROM "ServiceGraphNode" n JOIN "AwsAccount" a ON a.id = n."awsAccountId" LEFT JOIN "Service" s ON s.id = n."serviceId" LEFT JOIN "Team" t ON t.id = s."teamId"
     WHERE n.id = $1`,
    [nodeId],
  );
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `No service-map node ${nodeId}.`);
  const lengthMs = window.to.getTime() - window.from.getTime();
  const rawSince = now.getTime() - env().xrayRawRetentionHours * 3600_000;
  const step = lengthMs > 6 * 3600_000 || window.from.getTime() < rawSince ? HOUR_SECONDS : 300;
  const from = new Date(Math.floor(window.from.getTime() / (step * 1000)) * step * 1000).toISOString();
  const to = window.to.toISOString();
  const serviceId = row.serviceId;
  const [series, alarms, incidents, deployments, traces] = await Promise.all([
    pool.query<{ at: Date; requests: number; errors: number; faults: number; throttles: number; rt: number }>(
      `SELECT "bucketStart" AT TIME ZONE 'UTC' AS at, requests, errors, faults, throttles, "totalResponseTime" AS rt FROM "ServiceGraphNodeBucket"
       WHERE "nodeId" = $1 AND "bucketSeconds" = $2 AND "bucketStart" >= $3::timestamptz AT TIME ZONE 'UTC' AND "bucketStart" < $4::timestamptz AT TIME ZONE 'UTC'
       ORDER BY "bucketStart"`,
      [nodeId, step, from, to],
    ),
    serviceId === null
      ? { rows: [] }
      : pool.query<{ id: number; name: string; state: string; severity: string | null; stateUpdatedAt: Date }>(
          `SELECT id, name, state::text, severity::text, "stateUpdatedAt" AT TIME ZONE 'UTC' AS "stateUpdatedAt" FROM "Alarm"
           WHERE "serviceId" = $1 AND "deletedAt" IS NULL ORDER BY (state = 'ALARM') DESC, "stateUpdatedAt" DESC LIMIT 10`,
          [serviceId],
        ),
    serviceId === null
      ? { rows: [] }
      : pool.query<{ id: number; title: string; severity: string; status: string; openedAt: Date }>(
          `SELECT id, title, severity::text, status::text, "openedAt" AT TIME ZONE 'UTC' AS "openedAt" FROM "Incident"
           WHERE "serviceId" = $1 AND status <> 'RESOLVED' ORDER BY "openedAt" DESC LIMIT 10`,
          [serviceId],
        ),
    serviceId === null
      ? { rows: [] }
      : pool.query<{ id: number; environment: string; status: string; version: string | null; startedAt: Date; finishedAt: Date | null }>(
          `SELECT id, environment, status::text, version, "startedAt" AT TIME ZONE 'UTC' AS "startedAt", "finishedAt" AT TIME ZONE 'UTC' AS "finishedAt" FROM "Deployment"
           WHERE "serviceId" = $1 ORDER BY "startedAt" DESC LIMIT 5`,
          [serviceId],
        ),
    pool.query<{ traceId: string; startedAt: Date; durationMs: number; reason: string | null; httpStatus: number | null; httpMethod: string | null; httpUrl: string | null }>(
      // The failing ones first, then the slowest: what someone opening the panel is after.
      `SELECT t."traceId", t."startedAt" AT TIME ZONE 'UTC' AS "startedAt", t."durationMs", t.reason, t."httpStatus", t."httpMethod", t."httpUrl"
       FROM "TraceSummary" t JOIN "ServiceGraphNode" n ON n.id = $1
       WHERE t."awsAccountId" = n."awsAccountId" AND t.region = n.region AND (t."serviceId" = $2 OR t."entryPoint" = n.name)
         AND t."startedAt" >= $3::timestamptz AT TIME ZONE 'UTC' - interval '1 day' AND t."startedAt" < $4::timestamptz AT TIME ZONE 'UTC'
       ORDER BY (t."hasFault" OR t."hasError" OR t."hasThrottle") DESC, t."durationMs" DESC LIMIT 8`,
      [nodeId, serviceId, from, to],
    ),
  ]);
  return {
    node: {
      id: row.id,
      name: row.name,
      type: row.type,
      region: row.region,
      accountId: row.accountId,
      service: row.serviceSlug ? { slug: row.serviceSlug, name: row.serviceName ?? row.serviceSlug, team: { slug: row.teamSlug ?? "", name: row.teamName ?? "" } } : null,
    },
    series: series.rows.map((r) => ({ at: r.at.toISOString(), requests: r.requests, errors: r.errors, faults: r.faults, throttles: r.throttles, meanMs: r.requests > 0 ? (r.rt / r.requests) * 1000 : null })),
    seriesStepSeconds: step,
    alarms: alarms.rows.map((a) => ({ ...a, stateUpdatedAt: a.stateUpdatedAt.toISOString() })),
    openIncidents: incidents.rows.map((i) => ({ ...i, openedAt: i.openedAt.toISOString() })),
    deployments: deployments.rows.map((d) => ({ ...d, startedAt: d.startedAt.toISOString(), finishedAt: iso(d.finishedAt) })),
    traces: traces.rows.map((t) => ({ ...t, startedAt: t.startedAt.toISOString() })),
  };
}
