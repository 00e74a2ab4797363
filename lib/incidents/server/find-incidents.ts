import "server-only";
import { db, type Prisma } from "@/lib/db";
import { INCIDENTS_PAGE_SIZE, type TIncidentFilters } from "@/lib/incidents/schemas";
import { SUMMARY_SELECT, toSummary, type TIncidentSummary } from "@/lib/incidents/server/incident-view";
import { teamTreeIds } from "@/lib/catalog/server/team-tree";

export interface TIncidentsPage {
  incidents: TIncidentSummary[];
  total: number;
  page: number;
  pageSize: number;
}

const STATUS = { open: ["OPEN"], acknowledged: ["ACKNOWLEDGED"], resolved: ["RESOLVED"], unresolved: ["OPEN", "ACKNOWLEDGED"] } as const;

/** A team and every team nested under it. */
async function teamTree(slug: string): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`SELECT id FROM ${teamTreeIds(slug)} AS tree`;
  return rows.map((r) => r.id);
}

/**
 * Incidents, open first, then acknowledged, then resolved (the status
 * enum's order), newest first within each; filtered by team (with nested
 * teams), service, status and severity; a page at a time.
 */
export async function findIncidents(filters: TIncidentFilters, pageSize = INCIDENTS_PAGE_SIZE): Promise<TIncidentsPage> {
  const service: Prisma.ServiceWhereInput = {};
  if (filters.service) service.slug = filters.service;
  if (filters.team) service.teamId = { in: await teamTree(filters.team) };
  const where: Prisma.IncidentWhereInput = {
    ...(Object.keys(service).length ? { service } : {}),
    ...(filters.status ? { status: { in: [...STATUS[filters.status]] } } : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
  };
  const [rows, total] = await Promise.all([
    db.incident.findMany({
      where,
      orderBy: [{ status: "asc" }, { openedAt: "desc" }, { id: "desc" }],
      skip: (filters.page - 1) * pageSize,
      take: pageSize,
      select: SUMMARY_SELECT,
    }),
    db.incident.count({ where }),
  ]);
  return { incidents: rows.map(toSummary), total, page: filters.page, pageSize };
}
