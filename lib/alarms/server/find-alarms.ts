import "server-only";
import { ALARM_PAGE_SIZE, alarmCondition, alarmConsoleUrl, type TAlarmBoardPage, type TAlarmFilters, type TBoardAlarm, type TBoardState } from "@/lib/alarms/alarm-board";
import { db, Prisma } from "@/lib/db";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";

interface TRow {
  id: number;
  name: string;
  type: "METRIC" | "COMPOSITE";
  state: TBoardState;
  stateReason: string | null;
  stateUpdatedAt: Date;
  severity: TBoardAlarm["severity"];
  namespace: string | null;
  metricName: string | null;
  comparison: string | null;
  threshold: number | null;
  alarmRule: string | null;
  region: string;
  accountId: string;
  accountName: string;
  serviceSlug: string | null;
  serviceName: string | null;
  teamSlug: string | null;
  teamName: string | null;
  total: number;
}

const STATE = Prisma.sql`lower(al.state::text)`;
/** ALARM first, then INSUFFICIENT_DATA, then OK. */
const RANK = Prisma.sql`array_position(ARRAY['ALARM', 'INSUFFICIENT_DATA', 'OK']::"AlarmState"[], al.state)`;

function baseConditions(filters: TAlarmFilters): Prisma.Sql[] {
  // Alarms deleted in AWS keep their history but leave the board.
  const where: Prisma.Sql[] = [Prisma.sql`al."deletedAt" IS NULL`];
  if (filters.team) {
    where.push(Prisma.sql`s."teamId" IN ${teamTreeIds(filters.team)}`);
  }
  if (filters.service) where.push(Prisma.sql`s.slug = ${filters.service}`);
  if (filters.account) where.push(Prisma.sql`a."accountId" = ${filters.account}`);
  if (filters.region) where.push(Prisma.sql`al.region = ${filters.region}`);
  if (filters.severity) where.push(filters.severity === "none" ? Prisma.sql`al.severity IS NULL` : Prisma.sql`al.severity::text = ${filters.severity}`);
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(al.name ILIKE ${like} OR al."metricName" ILIKE ${like} OR s.slug ILIKE ${like} OR s.name ILIKE ${like})`);
  }
  return where;
}

const and = (parts: Prisma.Sql[]) => Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}`;

/**
 * The alarm board: ALARM first, then INSUFFICIENT_DATA, then OK; within a
 * state the newest change first (the board groups them by team and service
 * in that order, so the team whose alarm just fired comes first). One
 * statement for the page, one for the counts by state.
 */
export async function findAlarms(filters: TAlarmFilters, pageSize = ALARM_PAGE_SIZE): Promise<TAlarmBoardPage> {
  const base = baseConditions(filters);
  const where = and(filters.state ? [...base, Prisma.sql`${STATE} = ${filters.state}`] : base);
  const offset = (filters.page - 1) * pageSize;
  const [rows, counts] = await Promise.all([
    db.$queryRaw<TRow[]>`
      SELECT al.id, al.name, al.type::text AS type, ${STATE} AS state, al."stateReason", al."stateUpdatedAt", al.severity::text AS severity,
             al.namespace, al."metricName", al.comparison, al.threshold, al.definition->>'alarmRule' AS "alarmRule", al.region,
             a."accountId", a.name AS "accountName", s.slug AS "serviceSlug", s.name AS "serviceName", t.slug AS "teamSlug", t.name AS "teamName",
             (count(*) OVER ())::int AS total
      FROM "Alarm" al
      JOIN "AwsAccount" a ON a.id = al."awsAccountId"
      LEFT JOIN "Service" s ON s.id = al."serviceId"
      LEFT JOIN "Team" t ON t.id = s."teamId"
      ${where}
      ORDER BY ${RANK}, al."stateUpdatedAt" DESC, al.id
      LIMIT ${pageSize} OFFSET ${offset}`,
    db.$queryRaw<{ state: TBoardState; n: number; asOf: Date | null }[]>`
      SELECT ${STATE} AS state, count(*)::int AS n, max(coalesce(al."lastSyncedAt", al."updatedAt")) AS "asOf"
      FROM "Alarm" al
      JOIN "AwsAccount" a ON a.id = al."awsAccountId"
      LEFT JOIN "Service" s ON s.id = al."serviceId"
      ${and(base)}
      GROUP BY 1`,
  ]);
  const byState: Record<TBoardState, number> = { alarm: 0, insufficient_data: 0, ok: 0 };
  let asOf: Date | null = null;
  for (const c of counts) {
    byState[c.state] = c.n;
    if (c.asOf && (!asOf || c.asOf > asOf)) asOf = c.asOf;
  }
  return {
    alarms: rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      state: r.state,
      stateReason: r.stateReason,
      since: r.stateUpdatedAt.toISOString(),
      severity: r.severity,
      condition: alarmCondition(r),
      region: r.region,
      account: { accountId: r.accountId, name: r.accountName },
      service: r.serviceSlug ? { slug: r.serviceSlug, name: r.serviceName! } : null,
      team: r.teamSlug ? { slug: r.teamSlug, name: r.teamName! } : null,
      consoleUrl: alarmConsoleUrl(r.region, r.name),
    })),
    total: rows[0]?.total ?? (filters.state ? byState[filters.state] : 0),
    page: filters.page,
    pageSize,
    counts: byState,
    dataAsOf: asOf?.toISOString() ?? null,
    generatedAt: new Date().toISOString(),
  };
}
