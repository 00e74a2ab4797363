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
    const rows = await preparedQuery<{ id: number; slug: string; name: string; depth: number }>(
      "dora-scope-team",
      `WITH RECURSIVE tree AS (SELECT id, slug, name, 0 AS depth FROM "Team" WHERE slug = $1
                               UNION ALL SELECT t.id, t.slug, t.name, tree.depth + 1 FROM "Team" t JOIN tree ON t."parentId" = tree.id WHERE tree.depth < 20)
       SELECT id, slug, name, depth FROM tree`,
      [team],
    );
    const root = rows.find((r) => r.depth === 0);
    if (!root) throw new AppError("NOT_FOUND", `No team "${team}".`);
    return { kind: "team", scope: { kind: "team", slug: root.slug, name: root.name }, teamIds: rows.map((r) => r.id) };
  }
  return { kind: "org", scope: { kind: "org", slug: null, name: "Organisation" } };
}
