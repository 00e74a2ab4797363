import "server-only";
import { db } from "@/lib/db";
import type { TCommentCreate } from "@/lib/postmortems/schemas";
import { auditPostmortem, lockPostmortem, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

/** A comment on a section or on the whole postmortem, in any state (a published one can still be discussed). */
export async function addComment({ postmortemId, input, writer }: { postmortemId: number; input: TCommentCreate; writer: TPostmortemWriter }): Promise<{ id: number }> {
  return db.$transaction(async (tx) => {
    await lockPostmortem(tx, postmortemId);
    const comment = await tx.postmortemComment.create({
      data: { postmortemId, sectionKey: input.sectionKey ?? null, body: input.body, authorId: writer.userId, createdAt: writer.now },
      select: { id: true },
    });
    await auditPostmortem(tx, writer, { action: "postmortem.comment", entityId: postmortemId, after: { commentId: comment.id, sectionKey: input.sectionKey ?? null } });
    return comment;
  });
}
