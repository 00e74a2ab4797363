import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { bearerToken, hashToken, type TTokenScope } from "@/lib/auth/tokens";

export interface TTokenPrincipal {
  kind: "token";
  tokenId: number;
  name: string;
  scopes: string[];
  teamId: number | null;
}

/**
 * Finds the live token behind a bearer header and records its use. One round
 * trip: lastUsedAt is written at most once a minute per token so that ingest
 * at thousands of requests a second does not turn every read into a write.
 */
export async function authenticateToken({
  request,
  scope,
}: {
  request: Request;
  scope: TTokenScope;
}): Promise<TTokenPrincipal> {
  const token = bearerToken(request);
  if (!token) {
    throw new AppError("UNAUTHORIZED", "Send an API token as `Authorization: Bearer <token>`.");
  }
  const rows = await db.$queryRaw<{ id: number; name: string; scopes: string[]; teamId: number | null }[]>`
    WITH found AS (
      SELECT id, name, scopes, "teamId", "lastUsedAt"
      FROM "ApiToken"
      WHERE "tokenHash" = ${hashToken(token)}
        AND "revokedAt" IS NULL
        AND ("expiresAt" IS NULL OR "expiresAt" > now())
    ), touched AS (
      UPDATE "ApiToken" SET "lastUsedAt" = now()
      WHERE id IN (SELECT id FROM found WHERE "lastUsedAt" IS NULL OR "lastUsedAt" < now() - interval '1 minute')
    )
    SELECT id, name, scopes, "teamId" FROM found`;
  const row = rows[0];
  if (!row) throw new AppError("UNAUTHORIZED", "The API token is unknown, revoked or expired.");
  if (!row.scopes.includes(scope)) {
    throw new AppError("FORBIDDEN", `This token lacks the "${scope}" scope.`);
  }
  return { kind: "token", tokenId: row.id, name: row.name, scopes: row.scopes, teamId: row.teamId };
}
