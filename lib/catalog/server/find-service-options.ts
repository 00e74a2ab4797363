import "server-only";
import { db } from "@/lib/db";

export interface TFindServiceOptionsOptions {
  /** Only this team's services, with those of the teams nested under it (two levels down, as deep as catalogs nest). */
  team?: string;
  /** At most this many (default 2,000). */
  limit?: number;
}

/** Services as filter options (slug, name, owning team), by name; bounded like every list. */
export async function findServiceOptions({ team, limit = 2000 }: TFindServiceOptionsOptions = {}) {
  const services = await db.service.findMany({
    where: team ? { OR: [{ team: { slug: team } }, { team: { parent: { slug: team } } }, { team: { parent: { parent: { slug: team } } } }] } : undefined,
    orderBy: { name: "asc" },
    take: limit,
    select: { slug: true, name: true, team: { select: { slug: true, name: true } } },
  });
  return services;
}

