import "server-only";
import { preparedQuery } from "@/lib/db";
import type { TDoraRow, TDoraRows, TDoraRowsQuery, TMetricKey } from "@/lib/dora/schemas";
import { queryWindow } from "@/lib/dora/server/get-dora-summary";
import { resolveScope } from "@/lib/dora/server/resolve-scope";
import { dayToIso, windowDays } from "@/lib/dora/windows";

/** Which deployments stand behind each figure: the numerator's rows (every deployment for frequency). */
const FILTER: Record<TMetricKey, string> = {
  deploymentFrequency: "true",
  leadTime: `f."isSucceeded" AND (cardinality(f."leadSeconds") > 0 OR f."leadUnknown" > 0)`,
  changeFailRate: `f."isFailure"`,
  recoveryTime: `f."isFailure"`,
  reworkRate: `f."isRework"`,
};

interface TRow {
  deploymentId: number; serviceSlug: string; serviceName: string; teamSlug: string; teamName: string; status: TDoraRow["status"];
  version: string | null; url: string | null; startedAt: Date; finishedAt: Date; isFailure: boolean; isRework: boolean;
  leadSeconds: number[]; leadUnknown: number; recoverySeconds: number | null; isUnrecovered: boolean; total: number;
}

export interface TFindDoraRowsOptions {
  query: TDoraRowsQuery;
  now?: number;
}

// Timestamps are stored without a zone (UTC): read AT TIME ZONE 'UTC' so that pg parses them as UTC whatever the process's zone.

/** The deployments (with their attributed incidents) behind one figure, newest first, a page at a time. */
export async function findDoraRows({ query, now = Date.now() }: TFindDoraRowsOptions): Promise<TDoraRows> {
  const scope = await resolveScope(query);
  const window = queryWindow(query, now);
  const scopeSql = scope.kind === "service" ? `f."serviceId" = $4` : scope.kind === "team" ? `f."teamId" = ANY ($4::int[])` : `$4::int IS NULL`;
  const scopeParam = scope.kind === "service" ? scope.serviceId : scope.kind === "team" ? scope.teamIds : null;
  const offset = (query.page - 1) * query.pageSize;
  const rows = await preparedQuery<TRow>(
    `dora-rows-${scope.kind}-${query.metric}`,
    `SELECT f."deploymentId", s.slug AS "serviceSlug", s.name AS "serviceName", t.slug AS "teamSlug", t.name AS "teamName",
            d.status::text AS status, d.version, d.url, d."startedAt" AT TIME ZONE 'UTC' AS "startedAt", d."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt", f."isFailure", f."isRework",
            f."leadSeconds", f."leadUnknown", f."recoverySeconds", f."isUnrecovered", (count(*) OVER ())::int AS total
     FROM "DoraDeploymentFact" f
     JOIN "Deployment" d ON d.id = f."deploymentId"
     JOIN "Service" s ON s.id = f."serviceId"
     JOIN "Team" t ON t.id = f."teamId"
     WHERE f.environment = $1 AND f.day >= $2 AND f.day < $3 AND ${scopeSql} AND ${FILTER[query.metric]}
     ORDER BY d."finishedAt" DESC, f."deploymentId" DESC
     LIMIT $5 OFFSET $6`,
    [query.environment, window.fromDay, window.toDay, scopeParam, query.pageSize, offset],
  );
  const incidents = rows.length
    ? await preparedQuery<{ deploymentId: number; id: number; title: string; openedAt: Date; resolvedAt: Date | null; causedByChange: boolean | null; attributionSource: "EXPLICIT" | "RULE" | null; attributedBy: string | null }>(
        "dora-rows-incidents",
        // Who linked it by hand (another team may have): the actor of its latest attribution, which made the link it has.
        `SELECT i."deploymentId", i.id, i.title, i."openedAt" AT TIME ZONE 'UTC' AS "openedAt", i."resolvedAt" AT TIME ZONE 'UTC' AS "resolvedAt", i."causedByChange",
                i."attributionSource"::text AS "attributionSource",
                CASE WHEN i."attributionSource" = 'EXPLICIT' THEN
                  (SELECT e.actor FROM "IncidentEvent" e WHERE e."incidentId" = i.id AND e.kind = 'attributed' ORDER BY e.id DESC LIMIT 1) END AS "attributedBy"
         FROM "Incident" i WHERE i."deploymentId" = ANY ($1::int[]) ORDER BY i."openedAt", i.id`,
        [rows.map((r) => r.deploymentId)],
      )
    : [];
  return {
    metric: query.metric,
    window: { from: dayToIso(window.fromDay), to: dayToIso(window.toDay - 1), days: windowDays(window) },
    rows: rows.map((r) => ({
      deploymentId: r.deploymentId,
      service: { slug: r.serviceSlug, name: r.serviceName },
      team: { slug: r.teamSlug, name: r.teamName },
      status: r.status,
      version: r.version,
      url: r.url,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt.toISOString(),
      isFailure: r.isFailure,
      isRework: r.isRework,
      leadTimes: r.leadSeconds,
      unknownCommits: r.leadUnknown,
      recoverySeconds: r.recoverySeconds,
      isUnrecovered: r.isUnrecovered,
      incidents: incidents
        .filter((i) => i.deploymentId === r.deploymentId)
        .map((i) => ({ id: i.id, title: i.title, openedAt: i.openedAt.toISOString(), resolvedAt: i.resolvedAt?.toISOString() ?? null, causedByChange: i.causedByChange, attributionSource: i.attributionSource, attributedBy: i.attributedBy })),
    })),
    total: rows[0]?.total ?? 0,
    page: query.page,
    pageSize: query.pageSize,
  };
}
