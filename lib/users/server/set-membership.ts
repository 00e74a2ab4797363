import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import type { TTeamRole } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** Adds someone to a team or changes their role there (creating the user by email if new). Audited. */
export async function setMembership({ teamId, email, role, actor, origin }: { teamId: number; email: string; role: TTeamRole; actor: TActor; origin?: TAuditOrigin }) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.upsert({ where: { email }, create: { email, name: email.split("@")[0]! }, update: {}, select: { id: true, email: true, name: true } });
    const before = await tx.membership.findUnique({ where: { userId_teamId: { userId: user.id, teamId } }, select: { role: true } });
    if (before?.role === role) return { user, role, changed: false };
    await tx.membership.upsert({ where: { userId_teamId: { userId: user.id, teamId } }, create: { userId: user.id, teamId, role }, update: { role } });
    await tx.auditEvent.create({
      data: auditData(actor, { action: "membership.set", entityType: "Team", entityId: teamId, before: before ? { user: email, role: before.role } : undefined, after: { user: email, role } }, origin),
    });
    return { user, role, changed: true };
  });
}

export async function removeMembership({ teamId, userId, actor, origin }: { teamId: number; userId: number; actor: TActor; origin?: TAuditOrigin }) {
  return db.$transaction(async (tx) => {
    const before = await tx.membership.findUnique({ where: { userId_teamId: { userId, teamId } }, select: { role: true, user: { select: { email: true } } } });
    if (!before) throw new AppError("NOT_FOUND", "That person is not in this team.");
    await tx.membership.delete({ where: { userId_teamId: { userId, teamId } } });
    await tx.auditEvent.create({
      data: auditData(actor, { action: "membership.remove", entityType: "Team", entityId: teamId, before: { user: before.user.email, role: before.role } }, origin),
    });
  });
}
