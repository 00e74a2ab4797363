import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** The token with this id or list prefix (psk_xxxxxx), with the team that owns it. */
export async function findTokenForRevoke(idOrPrefix: string) {
  const where = /^\d+$/.test(idOrPrefix) ? { id: Number(idOrPrefix) } : { prefix: idOrPrefix };
  const matches = await db.apiToken.findMany({ where, select: { id: true, name: true, teamId: true, revokedAt: true }, take: 2 });
  if (matches.length > 1) throw new AppError("CONFLICT", `Several tokens start with "${idOrPrefix}": give the id instead.`);
  return matches[0] ?? null;
}

export interface TRevokeApiTokenOptions {
  /** The token's id, or the first characters shown in lists (psk_xxxxxx). */
  idOrPrefix: string;
  actor: TActor;
  origin?: TAuditOrigin;
}

/** Revokes a token at once: its next use gets 401. Audited; revoking twice is a no-op. */
export async function revokeApiToken({ idOrPrefix, actor, origin }: TRevokeApiTokenOptions) {
  const token = await findTokenForRevoke(idOrPrefix);
  if (!token) throw new AppError("NOT_FOUND", `No token with id or prefix "${idOrPrefix}".`);
  return revokeFoundToken(token, actor, origin);
}

/** The same, for a token the caller has already looked up (and authorized). */
export async function revokeFoundToken(token: NonNullable<Awaited<ReturnType<typeof findTokenForRevoke>>>, actor: TActor, origin?: TAuditOrigin) {
  if (token.revokedAt) return { id: token.id, name: token.name, wasRevoked: false };
  const revokedAt = new Date();
  // Conditional update: of two concurrent revokes, one writes the audit row.
  const changed = await db.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({ where: { id: token.id, revokedAt: null }, data: { revokedAt } });
    if (count === 0) return false;
    await tx.auditEvent.create({
      data: auditData(actor, { action: "token.revoke", entityType: "ApiToken", entityId: token.id, before: { revokedAt: null }, after: { revokedAt } }, origin),
    });
    return true;
  });
  return { id: token.id, name: token.name, wasRevoked: changed };
}
