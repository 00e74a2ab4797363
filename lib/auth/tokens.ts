import { createHash, randomBytes } from "node:crypto";

/** Token scopes a machine can hold. */
export const TOKEN_SCOPES = ["ingest", "read"] as const;
export type TTokenScope = (typeof TOKEN_SCOPES)[number];

const TOKEN_PREFIX = "psk_";

/** A new secret: shown once to its creator, stored only as its hash. */
export function generateToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(24).toString("base64url");
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

/** SHA-256 is enough: tokens are 192 random bits, so there is nothing to brute-force. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Reads `Authorization: Bearer <token>`; null when absent or malformed. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}
