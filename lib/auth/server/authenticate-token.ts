import "server-only";
import { preparedQuery } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { bearerToken, hashToken, type TTokenScope } from "@/lib/auth/tokens";

export interface TTokenPrincipal {
  kind: "token";
  tokenId: number;
  name: string;
  scopes: string[];
  teamId: number | null;
}

const TOUCH_INTERVAL_SECONDS = 60;

/**
 * Finds the live token behind a bearer header. Its last-used time is written
 * at most once a minute, so that ingest at thousands of requests a second
 * does not turn every read into a write.
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
  // Stored times are UTC wall-clock (Prisma's convention), so compare with now() in UTC.
  const [row] = await preparedQuery<{ id: number; name: string; scopes: string[]; teamId: number | null; isStale: boolean }>(
    "authenticate-token",
    `SELECT id, name, scopes, "teamId",
            ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - $2::interval) AS "isStale"
     FROM "ApiToken"
     WHERE "tokenHash" = $1 AND "revokedAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > now() AT TIME ZONE 'UTC')`,
    [hashToken(token), `${TOUCH_INTERVAL_SECONDS} seconds`],
  );
  if (!row) throw new AppError("UNAUTHORIZED", "The API token is unknown, revoked or expired.");
  if (!row.scopes.includes(scope)) {
    throw new AppError("FORBIDDEN", `This token lacks the "${scope}" scope.`);
  }
  if (row.isStale) {
    await preparedQuery("touch-token", `UPDATE "ApiToken" SET "lastUsedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1`, [row.id]);
  }
  return { kind: "token", tokenId: row.id, name: row.name, scopes: row.scopes, teamId: row.teamId };
}
