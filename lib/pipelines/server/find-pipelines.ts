import "server-only";
import { consoleUrls, BOARD_PAGE_SIZE, type TBoardFilters, type TBoardPage, type TBoardPipeline, type TBoardStatus } from "@/lib/pipelines/board";
import type { TStageDeclaration, TStageState } from "@/lib/pipelines/collect/types";
import { db, Prisma } from "@/lib/db";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";

interface TRow {
  id: number;
  name: string;
  region: string;
  accountId: string;
  accountName: string;
  serviceSlug: string | null;
  serviceName: string | null;
  teamSlug: string | null;
  teamName: string | null;
  status: TBoardStatus;
  prodStage: string | null;
  structure: TStageDeclaration[];
  state: TStageState[];
  stateUpdatedAt: Date | null;
  executionId: string | null;
  executionStatus: string | null;
  executionType: string | null;
  trigger: { triggerType?: string | null; triggerDetail?: string | null } | null;
  sourceRevisions: { revisionId: string | null; revisionUrl: string | null; revisionSummary: string | null }[] | null;
  startedAt: Date | null;
  lastUpdatedAt: Date | null;
  failureReason: string | null;
  failedAction: string | null;
  total: number;
  rank: number;
}

/** The board's status of a pipeline, said once, in SQL: filters, counts, order and rows all use it. */
const STATUS = Prisma.sql`(CASE WHEN p."latestStatus" = 'FAILED' THEN 'failed'
                                WHEN p."latestStatus" IN ('IN_PROGRESS', 'STOPPING') THEN 'in_progress'
                                WHEN p."latestStatus" = 'SUCCEEDED' THEN 'succeeded' ELSE 'other' END)`;
/** Failures first, then running, then the others, then succeeded. */
const RANK = Prisma.sql`array_position(ARRAY['failed', 'in_progress', 'other', 'succeeded'], ${STATUS})`;

/** The filters except status, as SQL: the status counts are taken over these. */
function baseConditions(filters: TBoardFilters): Prisma.Sql[] {
  // Pipelines deleted in AWS keep their history but leave the board.
  const where: Prisma.Sql[] = [Prisma.sql`p."deletedAt" IS NULL`];
  if (filters.team) {
    // A team and every team nested under it.
    where.push(Prisma.sql`s."teamId" IN ${teamTreeIds(filters.team)}`);
  }
  if (filters.service) where.push(Prisma.sql`s.slug = ${filters.service}`);
  if (filters.account) where.push(Prisma.sql`a."accountId" = ${filters.account}`);
  if (filters.region) where.push(Prisma.sql`p.region = ${filters.region}`);
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(p.name ILIKE ${like} OR s.slug ILIKE ${like} OR s.name ILIKE ${like})`);
  }
  return where;
}

const and = (parts: Prisma.Sql[]) => Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}`;

function toPipeline(row: TRow): TBoardPipeline {
  const structure = Array.isArray(row.structure) ? row.structure : [];
  const state = Array.isArray(row.state) ? row.state : [];
  const names = structure.length ? structure.map((s) => s.name) : state.map((s) => s.name);
  const prodStage = row.prodStage ?? names.at(-1) ?? null;
  const approvalActions = new Set(structure.flatMap((s) => s.actions.filter((a) => a.category === "Approval").map((a) => `${s.name}/${a.name}`)));
  const stages = names.map((name) => {
    const current = state.find((s) => s.name === name);
    return { name, status: current?.latestExecution?.status ?? null, executionId: current?.latestExecution?.executionId ?? null, isProduction: name === prodStage };
  });
  const pendingApprovals = state.flatMap((s) =>
    s.actions.filter((a) => a.status === "InProgress" && approvalActions.has(`${s.name}/${a.name}`)).map((a) => ({ stage: s.name, action: a.name })),
  );
  const revision = row.sourceRevisions?.[0] ?? null;
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    account: { accountId: row.accountId, name: row.accountName },
    service: row.serviceSlug ? { slug: row.serviceSlug, name: row.serviceName! } : null,
    team: row.teamSlug ? { slug: row.teamSlug, name: row.teamName! } : null,
    status: row.status,
    stages,
    pendingApprovals,
    latest:
      row.executionId && row.startedAt && row.lastUpdatedAt
        ? {
            executionId: row.executionId,
            status: row.executionStatus!,
            executionType: row.executionType ?? "STANDARD",
            trigger: row.trigger ? [row.trigger.triggerType, row.trigger.triggerDetail].filter(Boolean).join(": ") || null : null,
            commit: revision ? { revisionId: revision.revisionId, revisionUrl: revision.revisionUrl, summary: revision.revisionSummary } : null,
            startedAt: row.startedAt.toISOString(),
            lastUpdatedAt: row.lastUpdatedAt.toISOString(),
            durationMs: row.lastUpdatedAt.getTime() - row.startedAt.getTime(),
            failureReason: row.failureReason,
            failedAction: row.failedAction,
          }
        : null,
    consoleUrl: consoleUrls(row.region, row.name).pipeline,
    stateUpdatedAt: row.stateUpdatedAt?.toISOString() ?? null,
  };
}

/**
 * The board: pipelines with their stage strip and latest execution, failures
 * first, then running, then the rest, grouped by team within each; one SQL
 * statement for the page and one for the counts by status.
 */
export async function findPipelines(filters: TBoardFilters, pageSize = BOARD_PAGE_SIZE): Promise<TBoardPage> {
  const base = baseConditions(filters);
  const where = and(filters.status ? [...base, Prisma.sql`${STATUS} = ${filters.status}`] : base);
  const offset = (filters.page - 1) * pageSize;
  const [rows, counts] = await Promise.all([
    db.$queryRaw<TRow[]>`
      SELECT p.id, p.name, p.region, a."accountId", a.name AS "accountName",
             s.slug AS "serviceSlug", s.name AS "serviceName", t.slug AS "teamSlug", t.name AS "teamName",
             p."prodStage", p.structure, p.state, p."stateUpdatedAt",
             e."executionId", e.status::text AS "executionStatus", e."executionType", e.trigger, e."sourceRevisions",
             e."startedAt", e."lastUpdatedAt", e."failureReason", e."failedAction",
             ${STATUS} AS status, (count(*) OVER ())::int AS total, ${RANK} AS rank
      FROM "Pipeline" p
      JOIN "AwsAccount" a ON a.id = p."awsAccountId"
      LEFT JOIN "Service" s ON s.id = p."serviceId"
      LEFT JOIN "Team" t ON t.id = s."teamId"
      LEFT JOIN LATERAL (
        SELECT * FROM "PipelineExecution" pe WHERE pe."pipelineId" = p.id ORDER BY pe."startedAt" DESC LIMIT 1
      ) e ON true
      ${where}
      ORDER BY rank, t.name NULLS LAST, p.name, p.id
      LIMIT ${pageSize} OFFSET ${offset}`,
    db.$queryRaw<{ status: TBoardStatus; n: number; asOf: Date | null }[]>`
      SELECT ${STATUS} AS status, count(*)::int AS n, max(greatest(p."stateUpdatedAt", p."lastSyncedAt")) AS "asOf"
      FROM "Pipeline" p
      JOIN "AwsAccount" a ON a.id = p."awsAccountId"
      LEFT JOIN "Service" s ON s.id = p."serviceId"
      ${and(base)}
      GROUP BY 1`,
  ]);
  const byStatus: Record<TBoardStatus, number> = { failed: 0, in_progress: 0, succeeded: 0, other: 0 };
  let asOf: Date | null = null;
  for (const c of counts) {
    byStatus[c.status] = c.n;
    if (c.asOf && (!asOf || c.asOf > asOf)) asOf = c.asOf;
  }
  return {
    pipelines: rows.map(toPipeline),
    total: rows[0]?.total ?? (filters.status ? byStatus[filters.status] : 0),
    page: filters.page,
    pageSize,
    counts: byStatus,
    dataAsOf: asOf?.toISOString() ?? null,
    generatedAt: new Date().toISOString(),
  };
}
