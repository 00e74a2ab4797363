import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import type { TOrgRole } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface TSetOrgRoleOptions {
  /** By email (creating the user, who then signs in with it) or by id (existing users only). */
  email?: string;
  userId?: number;
  orgRole: TOrgRole;
  actor: TActor;
  origin?: TAuditOrigin;
}

/**
 * Sets someone's organisation role, audited. Refuses to remove the last
 * admin, so the organisation can never lock itself out.
 */
export async function setOrgRole({ email, userId, orgRole, actor, origin }: TSetOrgRoleOptions) {
  return db.$transaction(
    async (tx) => {
      const where = userId !== undefined ? { id: userId } : { email: email!.toLowerCase() };
      const before = await tx.user.findUnique({ where, select: { id: true, email: true, orgRole: true } });
      if (!before && userId !== undefined) throw new AppError("NOT_FOUND", `No user with id ${userId}.`);
      if (before?.orgRole === "ADMIN" && orgRole !== "ADMIN") {
        const admins = await tx.user.count({ where: { orgRole: "ADMIN" } });
        if (admins <= 1) throw new AppError("CONFLICT", "This is the last admin: make someone else admin first.");
      }
      if (before?.orgRole === orgRole) return { id: before.id, email: before.email, orgRole, created: false, changed: false };
      const user = before
        ? await tx.user.update({ where: { id: before.id }, data: { orgRole }, select: { id: true, email: true } })
        : await tx.user.create({ data: { email: email!.toLowerCase(), name: email!.toLowerCase().split("@")[0]!, orgRole }, select: { id: true, email: true } });
      await tx.auditEvent.create({
        data: auditData(actor, { action: "user.role", entityType: "User", entityId: user.id, before: before ? { orgRole: before.orgRole } : undefined, after: { orgRole } }, origin),
      });
      return { id: user.id, email: user.email, orgRole, created: !before, changed: true };
    },
    { isolationLevel: "Serializable" },
  );
}
