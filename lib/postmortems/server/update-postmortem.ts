import "server-only";
import { db } from "@/lib/db";
import type { TPostmortemPatch } from "@/lib/postmortems/schemas";
import { assertEditable, auditPostmortem, lockPostmortem, staleVersionError, touchPostmortem, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

const isSame = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b);

export interface TUpdatePostmortemOptions {
  id: number;
  patch: TPostmortemPatch;
  writer: TPostmortemWriter;
}

/**
 * Changes the header (title, analysis style, evidence margins, the
 * milestones a person sets), naming the version it edited: a stale one gets
 * 409 and nothing is written. Audited with before and after.
 */
export async function updatePostmortem({ id, patch, writer }: TUpdatePostmortemOptions): Promise<{ version: number; isMarginChanged: boolean }> {
  return db.$transaction(async (tx) => {
    const locked = await lockPostmortem(tx, id);
    if (locked.version !== patch.version) throw staleVersionError("this postmortem", locked.version, patch.version);
    assertEditable(locked);
    const fields = patch;
    const before = await tx.postmortem.findUniqueOrThrow({
      where: { id },
      select: { title: true, analysis: true, marginBeforeMinutes: true, marginAfterMinutes: true, impactStartedAt: true, mitigatedAt: true },
    });
    const data = {
      ...(fields.title !== undefined && { title: fields.title }),
      ...(fields.analysis !== undefined && { analysis: fields.analysis }),
      ...(fields.marginBeforeMinutes !== undefined && { marginBeforeMinutes: fields.marginBeforeMinutes }),
      ...(fields.marginAfterMinutes !== undefined && { marginAfterMinutes: fields.marginAfterMinutes }),
      ...(fields.impactStartedAt !== undefined && { impactStartedAt: fields.impactStartedAt === null ? null : new Date(fields.impactStartedAt) }),
      ...(fields.mitigatedAt !== undefined && { mitigatedAt: fields.mitigatedAt === null ? null : new Date(fields.mitigatedAt) }),
    };
    const changed = (Object.keys(data) as (keyof typeof data)[]).filter((k) => !isSame(before[k], data[k]));
    if (changed.length === 0) return { version: locked.version, isMarginChanged: false };
    const version = await touchPostmortem(tx, id, { ...data, updatedAt: writer.now });
    await auditPostmortem(tx, writer, {
      action: "postmortem.update",
      entityId: id,
      before: Object.fromEntries(changed.map((k) => [k, before[k]])),
      after: Object.fromEntries(changed.map((k) => [k, data[k]])),
    });
    return { version, isMarginChanged: changed.includes("marginBeforeMinutes") || changed.includes("marginAfterMinutes") };
  });
}
