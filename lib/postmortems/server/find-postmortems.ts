import "server-only";
import type { TUserRoles } from "@/lib/auth/permissions";
import { db, Prisma } from "@/lib/db";
import type { TSeverity } from "@/lib/incidents/schemas";
import { SECTION_KEYS, type TPostmortemQuery, type TPostmortemStatus } from "@/lib/postmortems/schemas";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";

export const POSTMORTEMS_PAGE_SIZE = 20;
/** A draft nobody changed for this long is listed as needing attention. */
export const STALE_DRAFT_DAYS = 7;
const ATTENTION_LIMIT = 6;

/** Plain text with the ranges [start, end) that matched the search: the page marks them up itself, never as HTML. */
export interface TPostmortemSnippet {
  text: string;
  matches: [number, number][];
}

export interface TPostmortemListRow {
  id: number;
  title: string;
  status: TPostmortemStatus;
  team: { slug: string; name: string };
  service: { slug: string; name: string } | null;
  incident: { id: number; severity: TSeverity; openedAt: string; resolvedAt: string | null } | null;
  authorName: string | null;
  updatedAt: string;
  publishedAt: string | null;
  openActionItems: number;
  /** Where the words searched for appear in its sections and action items; null without a search. */
  snippet: TPostmortemSnippet | null;
}

export interface TAttentionRow {
  id: number;
  title: string;
  status: TPostmortemStatus;
  team: { slug: string; name: string };
  service: { slug: string; name: string } | null;
  /** review: waiting for a reviewer; stale: a draft nobody changed for STALE_DRAFT_DAYS. */
  reason: "review" | "stale";
  /** Its last change: since when it has waited. */
  since: string;
}

export interface TPostmortemsPage {
  rows: TPostmortemListRow[];
  total: number;
  page: number;
  pageSize: number;
  /** Postmortems that wait for someone: those in review first, each kind longest waiting first (at most ATTENTION_LIMIT); null without a viewer. */
  attention: { rows: TAttentionRow[]; total: number } | null;
}

export interface TFindPostmortemsOptions {
  query: TPostmortemQuery;
  /** Whose "needs attention" list to build: their teams' (with nested teams), unless the query names a team or service. */
  viewer?: Pick<TUserRoles, "teamRoles">;
  now: Date;
  pageSize?: number;
}

interface TRow {
  id: number;
  title: string;
  status: TPostmortemStatus;
  updatedAt: Date;
  publishedAt: Date | null;
  teamSlug: string;
  teamName: string;
  serviceSlug: string | null;
  serviceName: string | null;
  incidentId: number | null;
  severity: TSeverity | null;
  openedAt: Date | null;
  resolvedAt: Date | null;
  authorName: string | null;
  openActionItems: number;
  headline: string | null;
}

const MARK_START = "\u0002";
const MARK_END = "\u0003";
/** ts_headline reads the whole text it is given: each section's start is enough for a snippet, and keeps a page of results fast whatever the sections' length. */
const HEADLINE_SECTION_CHARS = 4_000;
// The markers are control characters stripped from the text first, so no section or action item can forge a match.
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxFragments=2, MaxWords=18, MinWords=6, FragmentDelimiter=" … "`;

const DAY_MS = 86_400_000;
const dayStart = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** The filters other than the search words; the date is the incident's opening (or, without one, when the postmortem was created). */
function filterConditions(query: TPostmortemQuery): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (query.team) where.push(Prisma.sql`p."teamId" IN ${teamTreeIds(query.team)}`);
  if (query.service) where.push(Prisma.sql`s.slug = ${query.service}`);
  if (query.severity) where.push(Prisma.sql`i.severity::text = ${query.severity}`);
  if (query.status) where.push(Prisma.sql`p.status::text = ${query.status}`);
  if (query.from) where.push(Prisma.sql`coalesce(i."openedAt", p."createdAt") >= ${dayStart(query.from)}`);
  if (query.to) where.push(Prisma.sql`coalesce(i."openedAt", p."createdAt") < ${new Date(dayStart(query.to).getTime() + DAY_MS)}`);
  return where;
}

const whereClause = (parts: Prisma.Sql[]) => (parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty);

/** ts_headline's output, with its markers turned into match ranges and runs of whitespace into one space. */
export function parseHeadline(raw: string): TPostmortemSnippet | null {
  let text = "";
  const matches: [number, number][] = [];
  let start = -1;
  for (const ch of raw) {
    if (ch === MARK_START) start = text.length;
    else if (ch === MARK_END) {
      if (start >= 0 && text.length > start) matches.push([start, text.length]);
      start = -1;
    } else if (/\s/.test(ch)) {
      if (text.length > 0 && !text.endsWith(" ")) text += " ";
    } else text += ch;
  }
  text = text.trimEnd();
  return text ? { text, matches: matches.map(([a, b]) => [a, Math.min(b, text.length)] as [number, number]).filter(([a, b]) => b > a) } : null;
}

/**
 * Postmortems, a page at a time. With search words (websearch_to_tsquery:
 * "quoted phrases", -excluded, or) it searches titles, sections and action
 * items through the full-text index and ranks by ts_rank (title above
 * sections above action items), then the latest change; without, the latest
 * change first. Filters: team (with its nested teams), service, the
 * incident's severity, state, and the date the incident opened. The page's
 * snippets come from ts_headline on its rows only.
 */
export async function findPostmortems({ query, viewer, now, pageSize = POSTMORTEMS_PAGE_SIZE }: TFindPostmortemsOptions): Promise<TPostmortemsPage> {
  const page = query.page ?? 1;
  const q = query.q?.trim() || undefined;
  const tsQuery = q ? Prisma.sql`, websearch_to_tsquery('english', ${q}) AS tsq` : Prisma.empty;
  const where = whereClause([...filterConditions(query), ...(q ? [Prisma.sql`p.search @@ tsq`] : [])]);
  const from = Prisma.sql`
    FROM "Postmortem" p
    JOIN "Team" t ON t.id = p."teamId"
    LEFT JOIN "Service" s ON s.id = p."serviceId"
    LEFT JOIN "Incident" i ON i.id = p."incidentId"
    ${tsQuery}`;
  const rank = q ? Prisma.sql`ts_rank(p.search, tsq)` : Prisma.sql`0::real`;
  const headline = q
    ? Prisma.sql`(SELECT ts_headline('english', translate(concat_ws(E'\n',
          (SELECT string_agg(left(sec.body, ${HEADLINE_SECTION_CHARS}), E'\n' ORDER BY array_position(${[...SECTION_KEYS]}::text[], sec.key)) FROM "PostmortemSection" sec WHERE sec."postmortemId" = x.id),
          (SELECT string_agg(a.title, E'\n' ORDER BY a.id) FROM "ActionItem" a WHERE a."postmortemId" = x.id)), ${MARK_START + MARK_END}, ''),
          websearch_to_tsquery('english', ${q}), ${HEADLINE_OPTIONS}))`
    : Prisma.sql`NULL::text`;

  const [rows, counted, attention] = await Promise.all([
    db.$queryRaw<TRow[]>`
      SELECT x.*, ${headline} AS headline
      FROM (
        SELECT p.id, p.title, p.status::text AS status, p."updatedAt", p."publishedAt",
               t.slug AS "teamSlug", t.name AS "teamName", s.slug AS "serviceSlug", s.name AS "serviceName",
               i.id AS "incidentId", i.severity::text AS severity, i."openedAt", i."resolvedAt",
               (SELECT u.name FROM "User" u WHERE u.id = p."authorId") AS "authorName",
               (SELECT count(*)::int FROM "ActionItem" a WHERE a."postmortemId" = p.id AND a.status IN ('OPEN', 'IN_PROGRESS')) AS "openActionItems",
               ${rank} AS rank
        ${from}
        ${where}
        ORDER BY rank DESC, p."updatedAt" DESC, p.id DESC
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
      ) x
      ORDER BY x.rank DESC, x."updatedAt" DESC, x.id DESC`,
    db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n ${from} ${where}`,
    viewer ? findAttention(query, viewer, now) : Promise.resolve(null),
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      team: { slug: r.teamSlug, name: r.teamName },
      service: r.serviceSlug ? { slug: r.serviceSlug, name: r.serviceName ?? r.serviceSlug } : null,
      incident:
        r.incidentId !== null && r.severity && r.openedAt
          ? { id: r.incidentId, severity: r.severity, openedAt: r.openedAt.toISOString(), resolvedAt: r.resolvedAt?.toISOString() ?? null }
          : null,
      authorName: r.authorName,
      updatedAt: r.updatedAt.toISOString(),
      publishedAt: r.publishedAt?.toISOString() ?? null,
      openActionItems: r.openActionItems,
      snippet: r.headline === null ? null : parseHeadline(r.headline),
    })),
    total: counted[0]?.n ?? 0,
    page,
    pageSize,
    attention,
  };
}

/** Postmortems in review, and drafts nobody changed for STALE_DRAFT_DAYS: in the query's team or service, else the viewer's teams, else everywhere. */
async function findAttention(query: TPostmortemQuery, viewer: Pick<TUserRoles, "teamRoles">, now: Date): Promise<{ rows: TAttentionRow[]; total: number }> {
  const scope: Prisma.Sql[] = [];
  if (query.team) scope.push(Prisma.sql`p."teamId" IN ${teamTreeIds(query.team)}`);
  if (query.service) scope.push(Prisma.sql`s.slug = ${query.service}`);
  const teamIds = [...viewer.teamRoles.keys()];
  if (scope.length === 0 && teamIds.length > 0) scope.push(Prisma.sql`p."teamId" = ANY(${teamIds}::int[])`);
  const staleBefore = new Date(now.getTime() - STALE_DRAFT_DAYS * DAY_MS);
  const waiting = Prisma.sql`(p.status = 'IN_REVIEW' OR (p.status = 'DRAFT' AND p."updatedAt" < ${staleBefore}))`;
  const rows = await db.$queryRaw<(Omit<TAttentionRow, "team" | "service" | "since" | "reason"> & { teamSlug: string; teamName: string; serviceSlug: string | null; serviceName: string | null; since: Date; total: number })[]>`
    SELECT p.id, p.title, p.status::text AS status, t.slug AS "teamSlug", t.name AS "teamName", s.slug AS "serviceSlug", s.name AS "serviceName",
           p."updatedAt" AS since, (count(*) OVER ())::int AS total
    FROM "Postmortem" p
    JOIN "Team" t ON t.id = p."teamId"
    LEFT JOIN "Service" s ON s.id = p."serviceId"
    ${whereClause([waiting, ...scope])}
    ORDER BY (p.status = 'IN_REVIEW') DESC, p."updatedAt", p.id
    LIMIT ${ATTENTION_LIMIT}`;
  return {
    rows: rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      team: { slug: r.teamSlug, name: r.teamName },
      service: r.serviceSlug ? { slug: r.serviceSlug, name: r.serviceName ?? r.serviceSlug } : null,
      reason: r.status === "IN_REVIEW" ? "review" : "stale",
      since: r.since.toISOString(),
    })),
    total: rows[0]?.total ?? 0,
  };
}
