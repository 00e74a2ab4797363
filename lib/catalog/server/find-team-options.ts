import "server-only";
import { db } from "@/lib/db";

/** Teams as filter options, groups included, by name; bounded like every list. */
export async function findTeamOptions() {
  return db.team.findMany({ orderBy: { name: "asc" }, take: 2000, select: { slug: true, name: true } });
}
