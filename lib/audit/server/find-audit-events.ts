import "server-only";
import { db } from "@/lib/db";

export interface TFindAuditEventsOptions {
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Show events older than this id (keyset pagination: stable while new events arrive). */
  before?: number;
  limit?: number;
}

/** The audit log, newest first, with who did it, and the filters it can be narrowed by. */
export async function findAuditEvents({ action, entityType, entityId, before, limit = 50 }: TFindAuditEventsOptions = {}) {
  const where = {
    ...(action ? { action } : {}),
    ...(entityType ? { entityType } : {}),
    ...(entityId ? { entityId } : {}),
    ...(before ? { id: { lt: before } } : {}),
  };
  const [rows, actions, entityTypes] = await Promise.all([
    db.auditEvent.findMany({
      where,
      orderBy: { id: "desc" },
      take: limit + 1,
      select: {
        id: true,
        at: true,
        actorType: true,
        action: true,
        entityType: true,
        entityId: true,
        before: true,
        after: true,
        ip: true,
        requestId: true,
        actorUser: { select: { name: true, email: true } },
        actorToken: { select: { name: true, prefix: true } },
      },
    }),
    db.auditEvent.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
    db.auditEvent.findMany({ distinct: ["entityType"], select: { entityType: true }, orderBy: { entityType: "asc" } }),
  ]);
  const page = rows.slice(0, limit);
  return {
    events: page.map((e) => ({
      ...e,
      actor:
        e.actorType === "USER"
          ? (e.actorUser?.name ?? "a deleted user")
          : e.actorType === "TOKEN"
            ? `token ${e.actorToken ? `“${e.actorToken.name}” (${e.actorToken.prefix}…)` : "(deleted)"}`
            : "system",
    })),
    nextBefore: rows.length > limit ? page.at(-1)!.id : null,
    actions: actions.map((a) => a.action),
    entityTypes: entityTypes.map((t) => t.entityType),
  };
}
