import "server-only";
import { db } from "@/lib/db";

/** The id of the team with this slug, or null when there is none (routes authorize against it before they change anything). */
export async function findTeamId({ slug }: { slug: string }): Promise<number | null> {
  const team = await db.team.findUnique({ where: { slug }, select: { id: true } });
  return team?.id ?? null;
}
