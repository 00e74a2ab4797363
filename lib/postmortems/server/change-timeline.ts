import "server-only";
import { db } from "@/lib/db";
import { AppError, invalidField } from "@/lib/errors";
import type { TTimelineEntryCreate, TTimelineEntryPatch } from "@/lib/postmortems/schemas";
import { assertEditable, auditPostmortem, lockPostmortem, touchPostmortem, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

/** An entry added by hand (source "manual"): redrafting never touches it. */
export async function addTimelineEntry({ postmortemId, input, writer }: { postmortemId: number; input: TTimelineEntryCreate; writer: TPostmortemWriter }): Promise<{ id: number; documentVersion: number }> {
  return db.$transaction(async (tx) => {
    assertEditable(await lockPostmortem(tx, postmortemId));
    const entry = await tx.postmortemTimelineEntry.create({
      data: {
        postmortemId,
        at: new Date(input.at),
        source: "manual",
        kind: "note",
        text: input.text,
        portalUrl: input.portalUrl ?? null,
        isStarred: input.isStarred ?? false,
        editedById: writer.userId,
        createdAt: writer.now,
      },
      select: { id: true },
    });
    const documentVersion = await touchPostmortem(tx, postmortemId, { updatedAt: writer.now });
    await auditPostmortem(tx, writer, { action: "postmortem.timeline.add", entityId: postmortemId, after: { entryId: entry.id, at: input.at, text: input.text } });
    return { id: entry.id, documentVersion };
  });
}

/**
 * Stars, hides, rewords or moves an entry. A machine entry keeps what the
 * evidence said (originalText) whatever the new text; only entries added by
 * hand can be moved in time (the evidence's time is a fact).
 */
export async function updateTimelineEntry({ postmortemId, entryId, patch, writer }: { postmortemId: number; entryId: number; patch: TTimelineEntryPatch; writer: TPostmortemWriter }): Promise<{ documentVersion: number }> {
  return db.$transaction(async (tx) => {
    assertEditable(await lockPostmortem(tx, postmortemId));
    const entry = await tx.postmortemTimelineEntry.findFirst({ where: { id: entryId, postmortemId }, select: { originKey: true, text: true, isStarred: true, isHidden: true, at: true } });
    if (!entry) throw new AppError("NOT_FOUND", `Postmortem ${postmortemId} has no timeline entry ${entryId}.`);
    if (patch.at !== undefined && entry.originKey !== null) {
      throw invalidField("at", "an entry drafted from the evidence keeps its time; add an entry by hand instead");
    }
    const isReworded = patch.text !== undefined && patch.text !== entry.text;
    await tx.postmortemTimelineEntry.update({
      where: { id: entryId },
      data: {
        ...(patch.isStarred !== undefined && { isStarred: patch.isStarred }),
        ...(patch.isHidden !== undefined && { isHidden: patch.isHidden }),
        ...(isReworded && { text: patch.text, editedById: writer.userId }),
        ...(patch.at !== undefined && { at: new Date(patch.at) }),
      },
    });
    const documentVersion = await touchPostmortem(tx, postmortemId, { updatedAt: writer.now });
    await auditPostmortem(tx, writer, {
      action: "postmortem.timeline.update",
      entityId: postmortemId,
      before: { entryId, isStarred: entry.isStarred, isHidden: entry.isHidden, ...(isReworded && { text: entry.text }) },
      after: { entryId, ...patch },
    });
    return { documentVersion };
  });
}

/** Removes an entry added by hand; drafted ones are hidden instead (the evidence stays on record). */
export async function deleteTimelineEntry({ postmortemId, entryId, writer }: { postmortemId: number; entryId: number; writer: TPostmortemWriter }): Promise<{ documentVersion: number }> {
  return db.$transaction(async (tx) => {
    assertEditable(await lockPostmortem(tx, postmortemId));
    const entry = await tx.postmortemTimelineEntry.findFirst({ where: { id: entryId, postmortemId }, select: { originKey: true, text: true, at: true } });
    if (!entry) throw new AppError("NOT_FOUND", `Postmortem ${postmortemId} has no timeline entry ${entryId}.`);
    if (entry.originKey !== null) throw new AppError("CONFLICT", "Entries drafted from the evidence cannot be deleted: hide it instead.");
    await tx.postmortemTimelineEntry.delete({ where: { id: entryId } });
    const documentVersion = await touchPostmortem(tx, postmortemId, { updatedAt: writer.now });
    await auditPostmortem(tx, writer, { action: "postmortem.timeline.delete", entityId: postmortemId, before: { entryId, at: entry.at, text: entry.text } });
    return { documentVersion };
  });
}
