import "server-only";
import type { TPrincipal } from "@/lib/auth/server/with-auth";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TTransition } from "@/lib/postmortems/schemas";
import { auditPostmortem, lockPostmortem, staleVersionError, touchPostmortem, workflowActor, workflowStateOf, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";
import { decideTransition } from "@/lib/postmortems/workflow";

export interface TTransitionPostmortemOptions {
  id: number;
  transition: TTransition;
  principal: TPrincipal;
  writer: TPostmortemWriter;
}

/**
 * Moves a postmortem through its life cycle by the rules of workflow.ts,
 * inside one transaction with the row locked. The action names the version
 * the person saw: approving a text that changed since is refused (409). A
 * request for changes and an approval keep the reviewer's comment beside
 * the sections; "not required" keeps its reason.
 */
export async function transitionPostmortem({ id, transition, principal, writer }: TTransitionPostmortemOptions): Promise<{ status: string; version: number }> {
  return db.$transaction(async (tx) => {
    const locked = await lockPostmortem(tx, id);
    const state = await workflowStateOf(tx, locked);
    const decision = decideTransition(state, transition.action, workflowActor(principal, locked.teamId));
    if (!decision.ok) throw new AppError(decision.code, decision.message);
    if (locked.version !== transition.version) throw staleVersionError("this postmortem", locked.version, transition.version);

    const { status, approvedById } = decision.next;
    const version = await touchPostmortem(tx, id, {
      status,
      approvedById,
      approvedAt: transition.action === "approve" ? writer.now : approvedById === null ? null : undefined,
      publishedAt: status === "PUBLISHED" ? writer.now : status === "DRAFT" || status === "NOT_REQUIRED" ? null : undefined,
      notRequiredReason: status === "NOT_REQUIRED" ? transition.reason! : null,
      updatedAt: writer.now,
    });
    const kind = transition.action === "request_changes" ? "CHANGES_REQUESTED" : transition.action === "approve" ? "APPROVAL" : transition.comment ? "COMMENT" : null;
    if (kind) {
      const body = transition.comment ?? "Approved.";
      await tx.postmortemComment.create({ data: { postmortemId: id, kind, body, authorId: writer.userId, createdAt: writer.now } });
    }
    await auditPostmortem(tx, writer, {
      action: `postmortem.${transition.action}`,
      entityId: id,
      before: { status: locked.status },
      after: { status, ...(transition.reason && { reason: transition.reason }), ...(transition.comment && { comment: transition.comment }) },
    });
    return { status, version };
  });
}
