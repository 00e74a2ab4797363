import "server-only";
import { db } from "@/lib/db";

export interface TFindTeamOptionsOptions {
  /** Only these teams (e.g. the ones the viewer holds a permission for); default: every team. */
  teamIds?: readonly number[] | null;
}

/** Teams as filter options, groups included, by name; bounded like every list. */
export async function findTeamOptions({ teamIds = null }: TFindTeamOptionsOptions = {}) {
  return db.team.findMany({ where: teamIds ? { id: { in: [...teamIds] } } : undefined, orderBy: { name: "asc" }, take: 2000, select: { slug: true, name: true } });
}
