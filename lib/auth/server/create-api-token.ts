import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { db } from "@/lib/db";
import { generateToken, type TTokenScope } from "@/lib/auth/tokens";

export interface TCreateApiTokenOptions {
  name: string;
  scopes: TTokenScope[];
  teamId?: number | null;
  expiresAt?: Date | null;
  actor: TActor;
  origin?: TAuditOrigin;
}

/** Creates a token and returns its secret, which is never stored and cannot be shown again. Audited. */
export async function createApiToken({ name, scopes, teamId = null, expiresAt = null, actor, origin }: TCreateApiTokenOptions) {
  const { token, hash, prefix } = generateToken();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { name, scopes, tokenHash: hash, prefix, teamId, expiresAt, createdById: "userId" in actor ? actor.userId : null },
      select: { id: true, name: true, prefix: true, scopes: true, teamId: true, expiresAt: true },
    });
    await tx.auditEvent.create({
      data: auditData(actor, { action: "token.create", entityType: "ApiToken", entityId: created.id, after: { name, scopes, teamId, prefix, expiresAt } }, origin),
    });
    return created;
  });
  return { ...row, token };
}
