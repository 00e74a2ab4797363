import "server-only";
import { db } from "@/lib/db";

/** One team with its members, services, sub-teams and catalog entities; null when there is none. */
export async function getTeam({ slug }: { slug: string }) {
  return db.team.findUnique({
    where: { slug },
    select: {
      id: true,
      slug: true,
      name: true,
      description: true,
      parent: { select: { slug: true, name: true } },
      children: { orderBy: { name: "asc" }, select: { slug: true, name: true } },
      memberships: { orderBy: [{ role: "desc" }, { user: { name: "asc" } }], select: { role: true, user: { select: { id: true, name: true, email: true } } } },
      services: { orderBy: { name: "asc" }, select: { slug: true, name: true, tier: true, lifecycle: true, description: true } },
      catalogEntities: { orderBy: [{ kind: "asc" }, { name: "asc" }], select: { kind: true, name: true, title: true } },
    },
  });
}

export type TTeamDetail = NonNullable<Awaited<ReturnType<typeof getTeam>>>;
