import "server-only";
import { auditData, type TAuditOrigin } from "@/lib/audit/server/audit";
import { db } from "@/lib/db";

export interface TRecordRefusedSsoLinkOptions {
  /** The identity the provider sent: its subject and an email it did not assert as verified. */
  identity: { sub: string; email: string; emailClaim: string | null };
  providerId: string;
  origin?: TAuditOrigin;
}

/**
 * Audits a single sign-on refused because it would have linked an identity to
 * an existing user on an unverified email (someone may be trying to take over
 * that account). Returns the user it was refused for, or null if there is none.
 */
export async function recordRefusedSsoLink({ identity, providerId, origin }: TRecordRefusedSsoLinkOptions): Promise<{ userId: number } | null> {
  const user = await db.user.findUnique({ where: { email: identity.email }, select: { id: true } });
  if (!user) return null;
  await db.auditEvent.create({
    data: auditData(
      { system: "sso" },
      {
        action: "user.sso_link_refused",
        entityType: "User",
        entityId: user.id,
        after: { providerId, subject: identity.sub, email: identity.email, emailClaim: identity.emailClaim, isEmailVerified: false },
      },
      origin,
    ),
  });
  return { userId: user.id };
}
