import "server-only";
import { preparedQuery } from "@/lib/db";
import { drainBeforeRead } from "@/lib/dora/server/refresh-dora-facts";
import type { TDoraScope } from "@/lib/dora/schemas";
import { AppError } from "@/lib/errors";

export type TResolvedScope =
  | { kind: "org"; scope: TDoraScope }
  | { kind: "team"; scope: TDoraScope; teamIds: number[] }
  | { kind: "service"; scope: TDoraScope; serviceId: number };

/**
 * A team slug (with every team nested under it), a service slug, or neither (the organisation). 404 for unknown slugs.
 * Every DORA read starts here, so it also waits for the refresh of writes queued before it (usually none).
 */
export async function resolveScope(query: { team?: string; service?: string }): Promise<TResolvedScope> {
  const [scope] = await Promise.all([findScope(query), drainBeforeRead()]);
  return scope;
}

async function findScope({ team, service }: { team?: string; service?: string }): Promise<TResolvedScope> {
  if (service) {
    const [row] = await preparedQuery<{ id: number; slug: string; name: string }>("dora-scope-service", `SELECT id, slug, name FROM "Service" WHERE slug = $1`, [service]);
    if (!row) throw new AppError("NOT_FOUND", `No service "${service}".`);
    return { kind: "service", scope: { kind: "service", slug: row.slug, name: row.name }, serviceId: row.id };
  }
  if (team) {
    // The team and every team nested under it (team_subtree, prisma/sql/catalog/team-tree.sql).
    const rows = await preparedQuery<{ id: number; slug: string; name: string; isRoot: boolean }>(
      "dora-scope-team",
      `SELECT t.id, t.slug, t.name, t.id = r.id AS "isRoot"
       FROM "Team" r CROSS JOIN LATERAL team_subtree(r.id) AS s(id) JOIN "Team" t ON t.id = s.id
       WHERE r.slug = $1`,
      [team],
    );
    const root = rows.find((r) => r.isRoot);
    if (!root) throw new AppError("NOT_FOUND", `No team "${team}".`);
    return { kind: "team", scope: { kind: "team", slug: root.slug, name: root.name }, teamIds: rows.map((r) => r.id) };
  }
  return { kind: "org", scope: { kind: "org", slug: null, name: "Organisation" } };
}
