import "server-only";
import { db } from "@/lib/db";

const DAY = 86_400_000;

export interface TGetHomeOverviewOptions {
  now?: Date;
  latestLimit?: number;
}

/**
 * What the home page shows: the teams with their services, deployment counts
 * over the last 7 days, open incidents, and the latest production deployments.
 * Four indexed queries, none of which grows with history.
 */
export async function getHomeOverview({ now = new Date(), latestLimit = 12 }: TGetHomeOverviewOptions = {}) {
  const since = new Date(now.getTime() - 7 * DAY);
  const [teams, weekly, openIncidents, latest] = await Promise.all([
    db.team.findMany({
      orderBy: [{ name: "asc" }],
      select: {
        id: true,
        slug: true,
        name: true,
        description: true,
        parent: { select: { name: true } },
        services: { orderBy: { name: "asc" }, select: { id: true, slug: true, name: true, tier: true } },
      },
    }),
    db.deployment.groupBy({
      by: ["serviceId"],
      where: { environment: "production", finishedAt: { gte: since, lte: now } },
      _count: { _all: true },
    }),
    db.incident.groupBy({
      by: ["serviceId"],
      where: { status: { not: "RESOLVED" } },
      _count: { _all: true },
    }),
    db.deployment.findMany({
      where: { environment: "production", finishedAt: { not: null, lte: now } },
      orderBy: { finishedAt: "desc" },
      take: latestLimit,
      select: {
        id: true,
        status: true,
        version: true,
        finishedAt: true,
        isPlanned: true,
        service: { select: { slug: true, name: true, team: { select: { slug: true, name: true } } } },
        _count: { select: { changes: true } },
      },
    }),
  ]);

  const weeklyByService = new Map(weekly.map((w) => [w.serviceId, w._count._all]));
  const incidentsByService = new Map(openIncidents.map((i) => [i.serviceId, i._count._all]));
  const teamRows = teams
    .filter((t) => t.services.length > 0)
    .map((t) => ({
      slug: t.slug,
      name: t.name,
      description: t.description,
      group: t.parent?.name ?? null,
      services: t.services,
      deploymentsThisWeek: t.services.reduce((sum, s) => sum + (weeklyByService.get(s.id) ?? 0), 0),
      openIncidents: t.services.reduce((sum, s) => sum + (incidentsByService.get(s.id) ?? 0), 0),
    }));

  return {
    totals: {
      teams: teamRows.length,
      services: teamRows.reduce((n, t) => n + t.services.length, 0),
      deploymentsThisWeek: weekly.reduce((n, w) => n + w._count._all, 0),
      openIncidents: openIncidents.reduce((n, i) => n + i._count._all, 0),
    },
    teams: teamRows,
    latest: latest.map((d) => ({
      id: d.id,
      status: d.status,
      version: d.version,
      finishedAt: d.finishedAt!,
      isPlanned: d.isPlanned,
      commits: d._count.changes,
      service: { slug: d.service.slug, name: d.service.name },
      team: d.service.team,
    })),
  };
}

export type THomeOverview = Awaited<ReturnType<typeof getHomeOverview>>;
