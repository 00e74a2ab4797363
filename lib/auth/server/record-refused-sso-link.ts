import "server-only";
import { auditData, type TAuditOrigin } from "@/lib/audit/server/audit";
import { db } from "@/lib/db";

/** Why a single sign-on was refused: the names the sign-in page explains (`/sign-in?error=<reason>`). */
export type TSsoRefusalReason = "email_not_verified" | "account_already_linked";

export interface TRecordRefusedSsoLinkOptions {
  /** The identity the provider sent: its subject, and an email it did or did not assert as verified. */
  identity: { sub: string; email: string; emailClaim: string | null; isEmailVerified: boolean };
  providerId: string;
  reason: TSsoRefusalReason;
  /** The subject already linked to the user, when that is why. */
  linkedSubject?: string;
  origin?: TAuditOrigin;
}

/**
 * Audits a single sign-on refused because it would have given the identity a
 * user on an email that is not proven its own (someone may be trying to take
 * over that user, or to claim the address before its owner signs in): linked
 * to the existing user with that email, or a new user created with it.
 * Returns the user it was refused for, or null if there is none.
 */
export async function recordRefusedSsoLink({ identity, providerId, reason, linkedSubject, origin }: TRecordRefusedSsoLinkOptions): Promise<{ userId: number } | null> {
  const user = await db.user.findUnique({ where: { email: identity.email }, select: { id: true } });
  const after = { providerId, subject: identity.sub, email: identity.email, emailClaim: identity.emailClaim, isEmailVerified: identity.isEmailVerified, reason, linkedSubject };
  await db.auditEvent.create({
    data: user
      ? auditData({ system: "sso" }, { action: "user.sso_link_refused", entityType: "User", entityId: user.id, after }, origin)
      : auditData({ system: "sso" }, { action: "sso.user_creation_refused", entityType: "SsoIdentity", entityId: identity.sub, after }, origin),
  });
  return user ? { userId: user.id } : null;
}
