import "server-only";
import { db } from "@/lib/db";

export interface TFindTeamsOptions {
  /** Case-insensitive match on name, slug or description. */
  query?: string;
}

/** Teams with their group and counts, for the Teams list. Groups (teams that only hold teams) come along. */
export async function findTeams({ query }: TFindTeamsOptions = {}) {
  const q = query?.trim();
  const teams = await db.team.findMany({
    where: q
      ? { OR: [{ name: { contains: q, mode: "insensitive" } }, { slug: { contains: q, mode: "insensitive" } }, { description: { contains: q, mode: "insensitive" } }] }
      : undefined,
    orderBy: { name: "asc" },
    take: 500,
    select: {
      slug: true,
      name: true,
      description: true,
      parent: { select: { slug: true, name: true } },
      _count: { select: { services: true, memberships: true, children: true } },
    },
  });
  return teams.map((t) => ({
    slug: t.slug,
    name: t.name,
    description: t.description,
    group: t.parent,
    services: t._count.services,
    members: t._count.memberships,
    teams: t._count.children,
  }));
}
