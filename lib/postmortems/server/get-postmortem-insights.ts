import "server-only";
import { db, Prisma } from "@/lib/db";
import { SEVERITIES, type TSeverity } from "@/lib/incidents/schemas";
import {
  AGE_BAND_DAYS,
  bucketEdges,
  DEFAULT_INSIGHT_PERIOD,
  DETECTION_LOOKBACK_HOURS,
  EMPTY_COMPLETION_FIGURES,
  EMPTY_INCIDENT_FIGURES,
  insightBuckets,
  REPEAT_WINDOW_DAYS,
  timeFigure,
  type TCompletionFigures,
  type TIncidentFigures,
  type TInsightsQuery,
  type TPostmortemInsights,
  type TTeamRef,
} from "@/lib/postmortems/insights";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";
import { overdueSql } from "@/lib/postmortems/server/overdue-sql";

export interface TGetPostmortemInsightsOptions {
  /** The team (with its nested teams; none: the organisation) and the period (DEFAULT_INSIGHT_PERIOD when left out). */
  query: Partial<TInsightsQuery>;
  now: Date;
}

interface TIncidentRow {
  /** 1 when the column is rolled up in this grouping set. */
  gBucket: number;
  gTeam: number;
  bucket: number | null;
  severity: TSeverity | null;
  teamSlug: string | null;
  teamName: string | null;
  incidents: number;
  ttdN: number;
  ttdMedian: number | null;
  ttaN: number;
  ttaMedian: number | null;
  ttrN: number;
  ttrMedian: number | null;
  repeats: number;
  attributed: number;
}

interface TCreatedRow {
  gBucket: number;
  bucket: number | null;
  created: number;
  done: number;
  wontDo: number;
  open: number;
  completeN: number;
  completeMedian: number | null;
}

interface TOpenRow {
  teamSlug: string | null;
  teamName: string | null;
  open: number;
  overdue: number;
  oldestSeconds: number | null;
  /** Per age band (AGE_BAND_DAYS), for the total row only. */
  bands: number[] | null;
}

const toIncidentFigures = (r: TIncidentRow): TIncidentFigures => ({
  incidents: r.incidents,
  ttd: timeFigure(r.ttdN, r.ttdMedian),
  tta: timeFigure(r.ttaN, r.ttaMedian),
  ttr: timeFigure(r.ttrN, r.ttrMedian),
  repeats: r.repeats,
  attributed: r.attributed,
});

const toCompletionFigures = (r: TCreatedRow): TCompletionFigures => ({
  created: r.created,
  done: r.done,
  wontDo: r.wontDo,
  open: r.open,
  timeToComplete: timeFigure(r.completeN, r.completeMedian),
});

/** The median of seconds over the rows where `x` is not null (null when there are none), and how many there are. */
const stat = (x: Prisma.Sql, name: string) => Prisma.sql`
  count(${x})::int AS ${Prisma.raw(`"${name}N"`)},
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x}) AS ${Prisma.raw(`"${name}Median"`)}`;

/** Seconds from `from` to `to`, at least 0; null when either is unknown (greatest() alone would turn null into 0). */
/** Seconds from one time to another; null when either is unknown or they are in the wrong order (as the milestones leave them out). */
const seconds = (from: Prisma.Sql, to: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN ${from} IS NOT NULL AND ${to} IS NOT NULL AND ${to} >= ${from} THEN date_part('epoch', ${to} - ${from}) END)`;
/**
 * The milestones' rules (lib/postmortems/milestones.ts) over what an aggregate
 * can read: detected = the earliest of the first alarm and the incident's
 * opening; impact started = the start set on the postmortem, else the
 * detection. Time to detect therefore counts only incidents whose start of
 * impact was set (else it is the detection itself: unknown, not 0); an
 * error-rate rise on the service map, which a postmortem's own milestones can
 * use, counts here once someone sets the start of impact from it.
 */
const detected = Prisma.sql`least(fa.at, sc."openedAt")`;

/**
 * One aggregate statement, planned without JIT and sorting in memory. Its
 * plan costs enough for PostgreSQL's default jit_above_cost, and compiling it
 * took over a second where running it takes a fraction of that (measured on
 * 40,000 incidents); the sorts behind the medians need more than the default
 * 4 MB. SET LOCAL keeps both to this transaction.
 */
async function aggregate<R>(statement: Prisma.Sql): Promise<R[]> {
  const [, rows] = await db.$transaction([
    db.$queryRaw`SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)`,
    db.$queryRaw<R[]>(statement),
  ]);
  return rows;
}

/**
 * Response times, repeats and attribution of incidents, and the action
 * items' completion, age and overdue counts, for a team (with its nested
 * teams) or the organisation over a period (definitions: lib/postmortems/insights.ts).
 *
 * Everything is grouped in PostgreSQL, in three statements run side by side:
 * the incidents of the period, rolled up by (bucket, severity), bucket, team
 * and in total (GROUPING SETS); the action items created in the period by
 * bucket; the open action items by team. Only aggregates come back.
 *
 * Deployments are never read (an incident's attribution is its own column),
 * so the size of the delivery history does not matter. The repeat rule is
 * two window functions (the incident before, per service and per alarm, over
 * the period and the REPEAT_WINDOW_DAYS before it) rather than a probe per
 * incident; detection is one probe per linked alarm into AlarmTransition's
 * (alarmId, at, toState) key. Measured with 1,000,000 deployments, 40,000
 * incidents in the year (2,000 services, 500,000 alarm transitions) on two
 * vCPUs busy with other work: the organisation's default half year in
 * 150–200 ms, the whole year in 270–380 ms, one team's year in ~60 ms.
 */
export async function getPostmortemInsights({ query: asked, now }: TGetPostmortemInsightsOptions): Promise<TPostmortemInsights> {
  const query: TInsightsQuery = { ...asked, period: asked.period ?? DEFAULT_INSIGHT_PERIOD };
  const buckets = insightBuckets(query.period, now);
  const edges = bucketEdges(buckets);
  const start = edges[0]!;
  const end = edges.at(-1)!;
  const team = query.team
    ? await db.team.findUnique({ where: { slug: query.team }, select: { slug: true, name: true } })
    : null;
  if (query.team && !team) return emptyInsights(query, buckets, now);

  const incidentScope = query.team ? Prisma.sql`AND s."teamId" IN ${teamTreeIds(query.team)}` : Prisma.empty;
  const itemScope = query.team ? Prisma.sql`AND ai."teamId" IN ${teamTreeIds(query.team)}` : Prisma.empty;
  // For a team, only the alarms its incidents share matter (the incidents before on them are still anyone's).
  const alarmScope = query.team ? Prisma.sql`AND ia."alarmId" IN (SELECT sa."alarmId" FROM "IncidentAlarm" sa JOIN scoped ON scoped.id = sa."incidentId")` : Prisma.empty;
  const repeatWindow = Prisma.sql`make_interval(days => ${REPEAT_WINDOW_DAYS})`;
  const detectionWindow = Prisma.sql`make_interval(hours => ${DETECTION_LOOKBACK_HOURS})`;
  // The repeat rule looks back before the period's start.
  const lookBack = new Date(start.getTime() - REPEAT_WINDOW_DAYS * 86_400_000);

  const [incidentRows, createdRows, openRows] = await Promise.all([
    aggregate<TIncidentRow>(Prisma.sql`
      WITH scoped AS (
        -- A service's incidents are all in scope (a service has one team), so the one before it on the service is among them.
        SELECT i.id, i.severity, s."teamId", i."openedAt", i."acknowledgedAt", i."resolvedAt", i."deploymentId",
               i."openedAt" - lag(i."openedAt") OVER (PARTITION BY i."serviceId" ORDER BY i."openedAt", i.id) <= ${repeatWindow} AS "isServiceRepeat"
        FROM "Incident" i
        JOIN "Service" s ON s.id = i."serviceId"
        WHERE i."openedAt" >= ${lookBack} AND i."openedAt" < ${end} ${incidentScope}
      ), same_alarm AS (
        -- An alarm's incidents may be anyone's: the one before on each alarm, whatever its scope.
        SELECT DISTINCT x.id FROM (
          SELECT ia."incidentId" AS id, i."openedAt", lag(i."openedAt") OVER (PARTITION BY ia."alarmId" ORDER BY i."openedAt", i.id) AS previous
          FROM "IncidentAlarm" ia
          JOIN "Incident" i ON i.id = ia."incidentId"
          WHERE i."openedAt" >= ${lookBack} AND i."openedAt" < ${end} ${alarmScope}
        ) x
        WHERE x."openedAt" - x.previous <= ${repeatWindow}
      ), first_alarm AS (
        SELECT ia."incidentId" AS id, min(t.at) AS at
        FROM scoped sc
        JOIN "IncidentAlarm" ia ON ia."incidentId" = sc.id
        CROSS JOIN LATERAL (
          SELECT t.at FROM "AlarmTransition" t
          WHERE t."alarmId" = ia."alarmId" AND t."toState" = 'ALARM' AND t.at <= sc."openedAt" AND t.at >= sc."openedAt" - ${detectionWindow}
          ORDER BY t.at LIMIT 1
        ) t
        WHERE sc."openedAt" >= ${start}
        GROUP BY ia."incidentId"
      ), timed AS (
        SELECT width_bucket(sc."openedAt", ${edges}::timestamp[]) - 1 AS bucket, sc.severity::text AS severity, sc."teamId", sc."deploymentId",
               ${seconds(Prisma.sql`p."impactStartedAt"`, detected)} AS ttd,
               ${seconds(detected, Prisma.sql`sc."acknowledgedAt"`)} AS tta,
               ${seconds(Prisma.sql`coalesce(p."impactStartedAt", ${detected})`, Prisma.sql`sc."resolvedAt"`)} AS ttr,
               (sc."isServiceRepeat" IS TRUE OR sa.id IS NOT NULL) AS "isRepeat"
        FROM scoped sc
        LEFT JOIN same_alarm sa ON sa.id = sc.id
        LEFT JOIN first_alarm fa ON fa.id = sc.id
        LEFT JOIN "Postmortem" p ON p."incidentId" = sc.id
        WHERE sc."openedAt" >= ${start}
      )
      SELECT g.*, tm.slug AS "teamSlug", tm.name AS "teamName"
      FROM (
        SELECT GROUPING(x.bucket)::int AS "gBucket", GROUPING(x."teamId")::int AS "gTeam",
               x.bucket, x.severity, x."teamId",
               count(*)::int AS incidents,
               ${stat(Prisma.sql`x.ttd`, "ttd")},
               ${stat(Prisma.sql`x.tta`, "tta")},
               ${stat(Prisma.sql`x.ttr`, "ttr")},
               (count(*) FILTER (WHERE x."isRepeat"))::int AS repeats,
               count(x."deploymentId")::int AS attributed
        FROM timed x
        GROUP BY GROUPING SETS ((x.bucket, x.severity), (x.bucket), (x."teamId"), ())
      ) g
      LEFT JOIN "Team" tm ON tm.id = g."teamId"`),
    aggregate<TCreatedRow>(Prisma.sql`
      SELECT GROUPING(x.bucket)::int AS "gBucket", x.bucket,
             count(*)::int AS created,
             (count(*) FILTER (WHERE x.status = 'DONE'))::int AS done,
             (count(*) FILTER (WHERE x.status = 'WONT_DO'))::int AS "wontDo",
             (count(*) FILTER (WHERE x.status IN ('OPEN', 'IN_PROGRESS')))::int AS open,
             ${stat(Prisma.sql`x.complete`, "complete")}
      FROM (SELECT ai.status, width_bucket(ai."createdAt", ${edges}::timestamp[]) - 1 AS bucket,
                   CASE WHEN ai.status = 'DONE' THEN ${seconds(Prisma.sql`ai."createdAt"`, Prisma.sql`ai."completedAt"`)} END AS complete
            FROM "ActionItem" ai
            WHERE ai."createdAt" >= ${start} AND ai."createdAt" < ${end} ${itemScope}) x
      GROUP BY GROUPING SETS ((x.bucket), ())`),
    aggregate<TOpenRow>(Prisma.sql`
      SELECT min(tm.slug) AS "teamSlug", min(tm.name) AS "teamName",
             count(*)::int AS open,
             (count(*) FILTER (WHERE ${overdueSql("ai", now)}))::int AS overdue,
             max(extract(epoch FROM ${now}::timestamp - ai."createdAt"))::float8 AS "oldestSeconds",
             CASE WHEN GROUPING(ai."teamId") = 1 THEN ARRAY[
               (count(*) FILTER (WHERE ai."createdAt" > ${now}::timestamp - make_interval(days => ${AGE_BAND_DAYS[0]})))::int,
               (count(*) FILTER (WHERE ai."createdAt" <= ${now}::timestamp - make_interval(days => ${AGE_BAND_DAYS[0]})
                                   AND ai."createdAt" > ${now}::timestamp - make_interval(days => ${AGE_BAND_DAYS[1]})))::int,
               (count(*) FILTER (WHERE ai."createdAt" <= ${now}::timestamp - make_interval(days => ${AGE_BAND_DAYS[1]})
                                   AND ai."createdAt" > ${now}::timestamp - make_interval(days => ${AGE_BAND_DAYS[2]})))::int,
               (count(*) FILTER (WHERE ai."createdAt" <= ${now}::timestamp - make_interval(days => ${AGE_BAND_DAYS[2]})))::int
             ] END AS bands
      FROM "ActionItem" ai
      JOIN "Team" tm ON tm.id = ai."teamId"
      WHERE ai.status IN ('OPEN', 'IN_PROGRESS') ${itemScope}
      GROUP BY GROUPING SETS ((ai."teamId"), ())`),
  ]);

  const insights = emptyInsights(query, buckets, now, team);
  const inRange = (b: number | null): b is number => b !== null && b >= 0 && b < buckets.length;
  for (const r of incidentRows) {
    const figures = toIncidentFigures(r);
    // The (bucket, severity) rows; severity is never null in the data, so null means rolled up.
    if (r.gBucket === 0 && r.severity !== null) {
      if (inRange(r.bucket)) {
        insights.incidents.byBucketSeverity[r.severity][r.bucket] = figures;
        insights.incidents.bySeverity[r.severity] += figures.incidents;
      }
    } else if (r.gBucket === 0) {
      if (inRange(r.bucket)) insights.incidents.byBucket[r.bucket] = figures;
    } else if (r.gTeam === 0) {
      if (r.teamSlug) insights.incidents.byTeam.push({ team: { slug: r.teamSlug, name: r.teamName ?? r.teamSlug }, figures });
    } else {
      insights.incidents.total = figures;
    }
  }
  insights.incidents.byTeam.sort((a, b) => b.figures.incidents - a.figures.incidents || a.team.name.localeCompare(b.team.name));

  for (const r of createdRows) {
    if (r.gBucket === 1) insights.actionItems.total = toCompletionFigures(r);
    else if (inRange(r.bucket)) insights.actionItems.byBucket[r.bucket] = toCompletionFigures(r);
  }
  for (const r of openRows) {
    if (r.bands) insights.actionItems.open = { total: r.open, overdue: r.overdue, byAge: r.bands };
    else if (r.teamSlug) insights.actionItems.byTeam.push({ team: { slug: r.teamSlug, name: r.teamName ?? r.teamSlug }, open: r.open, overdue: r.overdue, oldestOpenSeconds: r.oldestSeconds });
  }
  insights.actionItems.byTeam.sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.team.name.localeCompare(b.team.name));
  return insights;
}

function emptyInsights(query: TInsightsQuery, buckets: TPostmortemInsights["buckets"], now: Date, team: TTeamRef | null = null): TPostmortemInsights {
  const perBucket = <T>(value: T): T[] => buckets.map(() => value);
  return {
    period: query.period,
    team,
    generatedAt: now.toISOString(),
    buckets,
    incidents: {
      total: EMPTY_INCIDENT_FIGURES,
      byBucket: perBucket(EMPTY_INCIDENT_FIGURES),
      byBucketSeverity: Object.fromEntries(SEVERITIES.map((s) => [s, perBucket(EMPTY_INCIDENT_FIGURES)])) as Record<TSeverity, TIncidentFigures[]>,
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<TSeverity, number>,
      byTeam: [],
    },
    actionItems: {
      total: EMPTY_COMPLETION_FIGURES,
      byBucket: perBucket(EMPTY_COMPLETION_FIGURES),
      open: { total: 0, overdue: 0, byAge: AGE_BAND_DAYS.map(() => 0).concat(0) },
      byTeam: [],
    },
  };
}
