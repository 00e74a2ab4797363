import "server-only";
import { Prisma } from "@/lib/db";

/**
 * The ids of a team and every team nested under it, as a subquery for
 * `… IN ${teamTreeIds(slug)}` (empty when no team has the slug). UNION, not
 * UNION ALL: a cycle in bad data ends instead of hanging the query. The team
 * filter of every list (pipelines, alarms, incidents, postmortems, action
 * items, insights) reads it.
 */
export const teamTreeIds = (slug: string): Prisma.Sql => Prisma.sql`(
  WITH RECURSIVE tree AS (SELECT id FROM "Team" WHERE slug = ${slug}
                          UNION SELECT t.id FROM "Team" t JOIN tree ON t."parentId" = tree.id)
  SELECT id FROM tree)`;
