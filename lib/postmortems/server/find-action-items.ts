import "server-only";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TActionItemPriority, TActionItemQuery, TActionItemStatus, TActionItemType, TPostmortemStatus } from "@/lib/postmortems/schemas";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";
import { overdueSql } from "@/lib/postmortems/server/overdue-sql";

export const ACTION_ITEMS_PAGE_SIZE = 50;

export interface TActionItemRow {
  id: number;
  title: string;
  postmortem: { id: number; title: string; status: TPostmortemStatus };
  team: { slug: string; name: string };
  owner: { id: number; name: string } | null;
  type: TActionItemType;
  priority: TActionItemPriority;
  dueAt: string | null;
  status: TActionItemStatus;
  completedAt: string | null;
  ticketUrl: string | null;
  /** Due before `now` and still open or in progress. */
  isOverdue: boolean;
}

export interface TActionItemsPage {
  rows: TActionItemRow[];
  total: number;
  /** How many of the matching items are overdue. */
  overdue: number;
  page: number;
  pageSize: number;
}

export interface TFindActionItemsOptions {
  query: TActionItemQuery;
  /** The person asking, for owner=me (null for an API token). */
  viewerUserId: number | null;
  now: Date;
  pageSize?: number;
}

interface TRow {
  id: number;
  title: string;
  postmortemId: number;
  postmortemTitle: string;
  postmortemStatus: TPostmortemStatus;
  teamSlug: string;
  teamName: string;
  ownerId: number | null;
  ownerName: string | null;
  type: TActionItemType;
  priority: TActionItemPriority;
  dueAt: Date | null;
  status: TActionItemStatus;
  completedAt: Date | null;
  ticketUrl: string | null;
  isOverdue: boolean;
}

const ACTIVE = Prisma.sql`a.status IN ('OPEN', 'IN_PROGRESS')`;

/**
 * Action items across the organisation: open and in-progress ones first,
 * then by due date (so overdue ones lead), priority and age. Filters: the
 * item's team (with its nested teams), owner (an id, or "me"), status
 * ("active": open or in progress), priority, and overdue (overdueSql: its
 * due day over by `now`, and still open or in progress).
 */
export async function findActionItems({ query, viewerUserId, now, pageSize = ACTION_ITEMS_PAGE_SIZE }: TFindActionItemsOptions): Promise<TActionItemsPage> {
  const page = query.page ?? 1;
  const overdue = overdueSql("a", now);
  const where: Prisma.Sql[] = [];
  if (query.team) where.push(Prisma.sql`a."teamId" IN ${teamTreeIds(query.team)}`);
  if (query.owner !== undefined) {
    if (query.owner === "me" && viewerUserId === null) throw new AppError("INVALID_INPUT", "owner=me needs a signed-in person; an API token names the owner by id.");
    where.push(Prisma.sql`a."ownerId" = ${query.owner === "me" ? viewerUserId : query.owner}`);
  }
  if (query.status === "active") where.push(ACTIVE);
  else if (query.status) where.push(Prisma.sql`a.status::text = ${query.status}`);
  if (query.priority) where.push(Prisma.sql`a.priority::text = ${query.priority}`);
  if (query.overdue === "true") where.push(overdue);
  if (query.overdue === "false") where.push(Prisma.sql`NOT ${overdue}`);
  const clause = where.length ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;

  const [rows, counts] = await Promise.all([
    db.$queryRaw<TRow[]>`
      SELECT a.id, a.title, p.id AS "postmortemId", p.title AS "postmortemTitle", p.status::text AS "postmortemStatus",
             t.slug AS "teamSlug", t.name AS "teamName", u.id AS "ownerId", u.name AS "ownerName",
             a.type::text AS type, a.priority::text AS priority, a."dueAt", a.status::text AS status, a."completedAt", a."ticketUrl",
             ${overdue} AS "isOverdue"
      FROM "ActionItem" a
      JOIN "Postmortem" p ON p.id = a."postmortemId"
      JOIN "Team" t ON t.id = a."teamId"
      LEFT JOIN "User" u ON u.id = a."ownerId"
      ${clause}
      ORDER BY ${ACTIVE} DESC, a."dueAt" ASC NULLS LAST, a.priority, a.id
      LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    db.$queryRaw<{ total: number; overdue: number }[]>`
      SELECT count(*)::int AS total, (count(*) FILTER (WHERE ${overdue}))::int AS overdue
      FROM "ActionItem" a
      ${clause}`,
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      title: r.title,
      postmortem: { id: r.postmortemId, title: r.postmortemTitle, status: r.postmortemStatus },
      team: { slug: r.teamSlug, name: r.teamName },
      owner: r.ownerId !== null ? { id: r.ownerId, name: r.ownerName ?? "" } : null,
      type: r.type,
      priority: r.priority,
      dueAt: r.dueAt?.toISOString() ?? null,
      status: r.status,
      completedAt: r.completedAt?.toISOString() ?? null,
      ticketUrl: r.ticketUrl,
      isOverdue: r.isOverdue,
    })),
    total: counts[0]?.total ?? 0,
    overdue: counts[0]?.overdue ?? 0,
    page,
    pageSize,
  };
}
