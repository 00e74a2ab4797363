import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface TRevokeApiTokenOptions {
  /** The token's id, or the first characters shown in lists (psk_xxxxxx). */
  idOrPrefix: string;
  actor: { userId: number } | { system: string };
}

/** Revokes a token at once: its next use gets 401. Audited; revoking twice is a no-op. */
export async function revokeApiToken({ idOrPrefix, actor }: TRevokeApiTokenOptions) {
  const where = /^\d+$/.test(idOrPrefix) ? { id: Number(idOrPrefix) } : { prefix: idOrPrefix };
  const matches = await db.apiToken.findMany({ where, select: { id: true, name: true, revokedAt: true }, take: 2 });
  if (matches.length === 0) throw new AppError("NOT_FOUND", `No token with id or prefix "${idOrPrefix}".`);
  if (matches.length > 1) throw new AppError("CONFLICT", `Several tokens start with "${idOrPrefix}": give the id instead.`);
  const token = matches[0]!;
  if (token.revokedAt) return { id: token.id, name: token.name, wasRevoked: false };
  await db.$transaction([
    db.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } }),
    db.auditEvent.create({
      data: {
        actorType: "userId" in actor ? "USER" : "SYSTEM",
        actorUserId: "userId" in actor ? actor.userId : null,
        action: "token.revoke",
        entityType: "ApiToken",
        entityId: String(token.id),
        before: { revokedAt: null },
        after: { revokedAt: new Date().toISOString(), ...("system" in actor ? { via: actor.system } : {}) },
      },
    }),
  ]);
  return { id: token.id, name: token.name, wasRevoked: true };
}
