import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TSectionKey, TSectionSave } from "@/lib/postmortems/schemas";
import { assertEditable, auditPostmortem, lockPostmortem, touchPostmortem, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

export interface TSaveSectionOptions {
  postmortemId: number;
  key: TSectionKey;
  save: TSectionSave;
  writer: TPostmortemWriter;
}

export interface TSectionConflict {
  currentVersion: number;
  currentBody: string;
  updatedBy: string | null;
  updatedAt: string | null;
}

/**
 * Saves one section's Markdown, naming the version it was written on. When
 * someone saved it since, nothing is written and 409 carries their text, who
 * wrote it and when, so the page shows both and nobody's words are lost.
 * Every save is a revision (who, when, the whole text); saving the same text
 * again writes nothing.
 */
export async function saveSection({ postmortemId, key, save, writer }: TSaveSectionOptions): Promise<{ version: number; documentVersion: number; isChanged: boolean }> {
  return db.$transaction(async (tx) => {
    const locked = await lockPostmortem(tx, postmortemId);
    assertEditable(locked);
    const current = await tx.postmortemSection.findUnique({
      where: { postmortemId_key: { postmortemId, key } },
      select: { body: true, version: true, updatedAt: true, updatedBy: { select: { name: true } } },
    });
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== save.baseVersion) {
      const conflict: TSectionConflict = {
        currentVersion,
        currentBody: current?.body ?? "",
        updatedBy: current?.updatedBy?.name ?? null,
        updatedAt: current?.updatedAt.toISOString() ?? null,
      };
      throw new AppError(
        "CONFLICT",
        `${conflict.updatedBy ?? "Someone"} saved this section since you started editing (version ${currentVersion}, yours was written on ${save.baseVersion}). Your text was not saved: merge it with theirs and save again.`,
        { details: conflict },
      );
    }
    if ((current?.body ?? "") === save.body) return { version: currentVersion, documentVersion: locked.version, isChanged: false };
    const version = currentVersion + 1;
    await tx.postmortemSection.upsert({
      where: { postmortemId_key: { postmortemId, key } },
      create: { postmortemId, key, body: save.body, version, updatedById: writer.userId, updatedAt: writer.now },
      update: { body: save.body, version, updatedById: writer.userId, updatedAt: writer.now },
    });
    await tx.postmortemRevision.create({ data: { postmortemId, key, version, body: save.body, authorId: writer.userId, at: writer.now } });
    const documentVersion = await touchPostmortem(tx, postmortemId, { updatedAt: writer.now });
    await auditPostmortem(tx, writer, { action: "postmortem.section.save", entityId: postmortemId, after: { key, version, chars: save.body.length } });
    return { version, documentVersion, isChanged: true };
  });
}

/** A section's revisions, newest first, with their full text (the page diffs any two). */
export async function findSectionRevisions({ postmortemId, key }: { postmortemId: number; key: TSectionKey }) {
  const rows = await db.postmortemRevision.findMany({
    where: { postmortemId, key },
    orderBy: { version: "desc" },
    select: { version: true, body: true, at: true, author: { select: { id: true, name: true } } },
  });
  return rows.map((r) => ({ version: r.version, body: r.body, at: r.at.toISOString(), author: r.author }));
}
