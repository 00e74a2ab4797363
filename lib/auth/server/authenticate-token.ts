import "server-only";
import { isIPv4, isIPv6 } from "node:net";
import { tokenFailures } from "@/lib/auth/rate-limit";
import { preparedQuery } from "@/lib/db";
import { clientIp } from "@/lib/http";
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
 * The live token with a given hash, as SQL, so that a hot path can check the
 * token inside its own statement. Stored times are UTC wall-clock (Prisma's
 * convention), so they are compared with now() in UTC. `isStale` says its
 * last-used time is over a minute old and should be written.
 */
export function liveTokenSql(hashParam: string): string {
  return `SELECT id, name, scopes, "teamId",
            ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - interval '60 seconds') AS "isStale"
     FROM "ApiToken"
     WHERE "tokenHash" = ${hashParam} AND "revokedAt" IS NULL
       AND ("expiresAt" IS NULL OR "expiresAt" > now() AT TIME ZONE 'UTC')`;
}

export const TOUCH_TOKEN_SQL = `UPDATE "ApiToken" SET "lastUsedAt" = now() AT TIME ZONE 'UTC'`;

/**
 * Finds the live token behind a bearer header. Its last-used time is written
 * at most once a minute, so that ingest at thousands of requests a second
 * does not turn every read into a write.
 */
export function missingTokenError(): AppError {
  return new AppError("UNAUTHORIZED", "Send an API token as `Authorization: Bearer <token>`.");
}

export function badTokenError(): AppError {
  return new AppError("UNAUTHORIZED", "The API token is unknown, revoked or expired.");
}

export function missingScopeError(scope: TTokenScope): AppError {
  return new AppError("FORBIDDEN", `This token lacks the "${scope}" scope.`);
}

/**
 * Refuses an address that sent too many bad tokens lately (429), before any database work. The address is the
 * connection's, or behind trusted proxies the one they saw (clientIp): one a client cannot choose, so rotating
 * X-Forwarded-For does not escape the limit, and one client's bad tokens never hold up another's good ones. With
 * no address at all (a handler called without a server, as in tests) nothing is counted: a bucket shared by every
 * such request would let anyone's failures refuse everyone's valid tokens.
 */
export function guardTokenAttempts(ip: string | null): void {
  if (ip === null) return;
  const retryAfterSeconds = tokenFailures.retryAfterSeconds(limitKey(ip));
  if (retryAfterSeconds > 0) {
    throw new AppError("RATE_LIMITED", `Too many bad API tokens from this address; try again in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
    });
  }
}

export function noteBadToken(ip: string | null): void {
  if (ip !== null) tokenFailures.recordFailure(limitKey(ip));
}

/**
 * What the limit counts by: an IPv4 address, or an IPv6 address's /64 (a client is given a whole /64 and could
 * otherwise take a fresh address for every guess, and crowd other clients' entries out of the limiter).
 */
export function limitKey(ip: string): string {
  const address = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

export async function authenticateToken({
  request,
  scope,
}: {
  request: Request;
  /** null: any live token will do (the caller decides what it may do). */
  scope: TTokenScope | null;
}): Promise<TTokenPrincipal> {
  const token = bearerToken(request);
  if (!token) throw missingTokenError();
  const ip = clientIp(request);
  guardTokenAttempts(ip);
  const [row] = await preparedQuery<{ id: number; name: string; scopes: string[]; teamId: number | null; isStale: boolean }>(
    "authenticate-token",
    liveTokenSql("$1"),
    [hashToken(token)],
  );
  if (!row) {
    noteBadToken(ip);
    throw badTokenError();
  }
  if (scope && !row.scopes.includes(scope)) throw missingScopeError(scope);
  if (row.isStale) {
    await preparedQuery("touch-token", `${TOUCH_TOKEN_SQL} WHERE id = $1`, [row.id]);
  }
  return { kind: "token", tokenId: row.id, name: row.name, scopes: row.scopes, teamId: row.teamId };
}
