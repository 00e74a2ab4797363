import "server-only";
import { Prisma } from "@/lib/db";

/**
 * The ids of a team and every team nested under it, as a subquery for
 * `… IN ${teamTreeIds(slug)}` (empty when no team has the slug). The walk is
 * the database's one definition, team_subtree (prisma/sql/catalog/team-tree.sql),
 * which a team token's write scope and the DORA team scope read too. The team
 * filter of every list (pipelines, alarms, incidents, service map,
 * postmortems, action items, insights) reads it.
 */
export const teamTreeIds = (slug: string): Prisma.Sql =>
  Prisma.sql`(SELECT s.id FROM "Team" r CROSS JOIN LATERAL team_subtree(r.id) AS s(id) WHERE r.slug = ${slug})`;
