import "server-only";
import { db, type Prisma } from "@/lib/db";
import { AppError, invalidField } from "@/lib/errors";
import { defaultDueAt, type TActionItemCreate, type TActionItemPatch } from "@/lib/postmortems/schemas";
import { auditPostmortem, lockPostmortem, staleVersionError, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

const dateOf = (day: string) => new Date(`${day}T00:00:00.000Z`);

async function assertOwnerExists(tx: Prisma.TransactionClient, ownerId: number | null | undefined): Promise<void> {
  if (ownerId === null || ownerId === undefined) return;
  const user = await tx.user.findUnique({ where: { id: ownerId }, select: { id: true } });
  if (!user) throw invalidField("ownerId", `no person with id ${ownerId}`);
}

/**
 * A follow-up action of a postmortem, in any state (follow-ups outlive the
 * document). Its due date defaults from its priority (schemas.ts); it
 * carries the postmortem's team for the organisation-wide list.
 */
export async function createActionItem({ postmortemId, input, writer }: { postmortemId: number; input: TActionItemCreate; writer: TPostmortemWriter }): Promise<{ id: number }> {
  return db.$transaction(async (tx) => {
    const locked = await lockPostmortem(tx, postmortemId);
    await assertOwnerExists(tx, input.ownerId);
    const priority = input.priority ?? "P3";
    const item = await tx.actionItem.create({
      data: {
        postmortemId,
        teamId: locked.teamId,
        title: input.title,
        ownerId: input.ownerId ?? null,
        type: input.type ?? "PREVENT",
        priority,
        dueAt: input.dueDate === null ? null : input.dueDate ? dateOf(input.dueDate) : defaultDueAt(priority, writer.now),
        ticketUrl: input.ticketUrl ?? null,
        createdAt: writer.now,
        updatedAt: writer.now,
      },
      select: { id: true, dueAt: true },
    });
    await auditPostmortem(tx, writer, { action: "action_item.create", entityType: "ActionItem", entityId: item.id, after: { postmortemId, ...input, priority, dueAt: item.dueAt } });
    return { id: item.id };
  });
}

/** The action item's postmortem team and owner (who may change it), or null when there is none. */
export async function findActionItemAccess(id: number): Promise<{ teamId: number; ownerId: number | null; postmortemId: number } | null> {
  return db.actionItem.findUnique({ where: { id }, select: { teamId: true, ownerId: true, postmortemId: true } });
}

/** Fields the owner of an item may change without writing the team's postmortems: its progress. */
export const OWNER_FIELDS = ["version", "status", "statusReason"] as const;

/**
 * Changes an action item, naming the version it edited (409 when stale).
 * Done stamps completedAt; reopening clears it; won't-do keeps its reason.
 */
export async function updateActionItem({ id, patch, writer }: { id: number; patch: TActionItemPatch; writer: TPostmortemWriter }): Promise<{ version: number }> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ version: number }[]>`SELECT version FROM "ActionItem" WHERE id = ${id} FOR UPDATE`;
    if (!rows[0]) throw new AppError("NOT_FOUND", `No action item with id ${id}.`);
    if (rows[0].version !== patch.version) throw staleVersionError("this action item", rows[0].version, patch.version);
    await assertOwnerExists(tx, patch.ownerId);
    const before = await tx.actionItem.findUniqueOrThrow({
      where: { id },
      select: { title: true, ownerId: true, type: true, priority: true, dueAt: true, status: true, statusReason: true, ticketUrl: true, completedAt: true },
    });
    const status = patch.status ?? before.status;
    const data: Prisma.ActionItemUncheckedUpdateInput = {
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.ownerId !== undefined && { ownerId: patch.ownerId }),
      ...(patch.type !== undefined && { type: patch.type }),
      ...(patch.priority !== undefined && { priority: patch.priority }),
      ...(patch.dueDate !== undefined && { dueAt: patch.dueDate === null ? null : dateOf(patch.dueDate) }),
      ...(patch.ticketUrl !== undefined && { ticketUrl: patch.ticketUrl }),
      ...(patch.status !== undefined && { status }),
      statusReason: status === "WONT_DO" ? (patch.statusReason ?? before.statusReason) : patch.statusReason !== undefined ? patch.statusReason : before.status === "WONT_DO" ? null : before.statusReason,
      completedAt: status === "DONE" ? (before.status === "DONE" ? before.completedAt : writer.now) : null,
      version: { increment: 1 },
      updatedAt: writer.now,
    };
    if (status === "WONT_DO" && !data.statusReason) {
      throw invalidField("statusReason", "is required: say why it will not be done");
    }
    const updated = await tx.actionItem.update({ where: { id }, data, select: { version: true } });
    await auditPostmortem(tx, writer, { action: "action_item.update", entityType: "ActionItem", entityId: id, before, after: patch });
    return { version: updated.version };
  });
}
