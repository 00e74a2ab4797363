/** A signed-in admin for benchmarks that fetch pages from the production build (bench/server.ts). */
import { createHmac, randomBytes } from "node:crypto";
import type pg from "pg";
import { BENCH_AUTH_SECRET } from "./server";

/**
 * Creates a session for the first admin and returns its cookie, signed the way
 * better-auth signs it (HMAC-SHA256 of the token, base64) with the secret the
 * benchmark's portal runs with.
 */
export async function adminSessionCookie(db: pg.Client | pg.Pool): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  const { rowCount } = await db.query(
    `INSERT INTO "Session" (token, "userId", "expiresAt", "createdAt", "updatedAt")
     SELECT $1, id, now() + interval '1 day', now(), now() FROM "User" WHERE "orgRole" = 'ADMIN' ORDER BY id LIMIT 1`,
    [token],
  );
  if (rowCount !== 1) throw new Error("no admin to sign in as: seed the database first");
  const signature = createHmac("sha256", BENCH_AUTH_SECRET).update(token).digest("base64");
  return `__Secure-portside.session_token=${encodeURIComponent(`${token}.${signature}`)}`;
}

/** Median and p95 of samples in ms, as the benchmarks print them. */
export function medianAndP95(samples: readonly number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95) };
}
