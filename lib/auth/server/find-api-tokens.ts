import "server-only";
import { db } from "@/lib/db";

/** API tokens for the settings page: never the secret, only its first characters. `teamIds`: only these teams' tokens (null: all). */
export async function findApiTokens({ teamIds = null }: { teamIds?: number[] | null } = {}) {
  return db.apiToken.findMany({
    where: teamIds ? { teamId: { in: teamIds } } : {},
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 200,
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      team: { select: { slug: true, name: true } },
      createdBy: { select: { name: true } },
    },
  });
}
