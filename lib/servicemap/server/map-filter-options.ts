import "server-only";
import { getPool } from "@/lib/db";

/** The teams that own a node on some map, for the team filter. */
export async function mapFilterOptions(): Promise<{ teams: { slug: string; name: string }[] }> {
  const { rows } = await getPool().query<{ slug: string; name: string }>(
    `SELECT t.slug, t.name FROM "Team" t WHERE EXISTS (SELECT 1 FROM "Service" s JOIN "ServiceGraphNode" n ON n."serviceId" = s.id WHERE s."teamId" = t.id) ORDER BY t.name`,
  );
  return { teams: rows };
}
