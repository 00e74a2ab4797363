import "server-only";
import type { Prisma } from "@/lib/db";

/** Who made a change: a person, an API token, or the system (CLI, migrations, collectors). */
export type TActor = { userId: number } | { tokenId: number } | { system: string };

export interface TAuditEntry {
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Where a request came from, kept with each audit row. */
export interface TAuditOrigin {
  ip?: string | null;
  requestId?: string | null;
}

function json(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}

/** The row for one audit event (insert it in the same transaction as the change it records). */
export function auditData(actor: TActor, entry: TAuditEntry, origin: TAuditOrigin = {}): Prisma.AuditEventUncheckedCreateInput {
  const via = "system" in actor ? { via: actor.system } : {};
  return {
    actorType: "userId" in actor ? "USER" : "tokenId" in actor ? "TOKEN" : "SYSTEM",
    actorUserId: "userId" in actor ? actor.userId : null,
    actorTokenId: "tokenId" in actor ? actor.tokenId : null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: String(entry.entityId),
    before: json(entry.before),
    after: entry.after === undefined && !("system" in actor) ? undefined : json({ ...(entry.after as object | undefined), ...via }),
    ip: origin.ip ?? null,
    requestId: origin.requestId ?? null,
  };
}

/** One audit row written on a pg connection (for use cases that write with plain SQL), from the same auditData. */
export async function insertAudit(sql: { query: (text: string, values: unknown[]) => Promise<unknown> }, actor: TActor, entry: TAuditEntry, origin: TAuditOrigin = {}): Promise<void> {
  const row = auditData(actor, entry, origin);
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  await sql.query(
    `INSERT INTO "AuditEvent" ("actorType", "actorUserId", "actorTokenId", action, "entityType", "entityId", before, after, ip, "requestId")
     VALUES ($1::"ActorType", $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
    [row.actorType, row.actorUserId, row.actorTokenId, row.action, row.entityType, row.entityId, json(row.before), json(row.after), row.ip, row.requestId],
  );
}
