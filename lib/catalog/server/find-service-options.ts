import "server-only";
import { db } from "@/lib/db";

export interface TFindServiceOptionsOptions {
  /** Only this team's services, with those of the teams nested under it (two levels down, as deep as catalogs nest). */
  team?: string;
}

/** Services as filter options (slug, name, owning team), by name; bounded like every list. */
export async function findServiceOptions({ team }: TFindServiceOptionsOptions = {}) {
  const services = await db.service.findMany({
    where: team ? { OR: [{ team: { slug: team } }, { team: { parent: { slug: team } } }, { team: { parent: { parent: { slug: team } } } }] } : undefined,
    orderBy: { name: "asc" },
    take: 2000,
    select: { slug: true, name: true, team: { select: { slug: true, name: true } } },
  });
  return services;
}

