import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { holdsForTeam } from "@/lib/auth/permissions";
import type { TAuthContext, TPrincipal } from "@/lib/auth/server/with-auth";
import { db, type Prisma } from "@/lib/db";
import type { TRouteParams } from "@/lib/http";
import { parsePathId } from "@/lib/schemas";
import { AppError } from "@/lib/errors";
import type { TPostmortemStatus } from "@/lib/postmortems/schemas";
import { isEditable, type TWorkflowActor, type TWorkflowState } from "@/lib/postmortems/workflow";

/** Everything a postmortem write records: who (for the audit log and the rows) and from where. */
export interface TPostmortemWriter {
  /** The person writing (postmortems are written by people: API tokens hold no postmortem permission). */
  userId: number;
  actor: TActor;
  origin: TAuditOrigin;
  now: Date;
}

export function postmortemWriter(principal: TPrincipal, actor: TActor, origin: TAuditOrigin, now: Date): TPostmortemWriter {
  if (principal.kind !== "user") throw new AppError("FORBIDDEN", "Postmortems are written by people: sign in to the portal.");
  return { userId: principal.userId, actor, origin, now };
}

/** The person as the workflow sees them for this team. */
export function workflowActor(principal: TPrincipal, teamId: number): TWorkflowActor {
  if (principal.kind !== "user") return { userId: -1, mayWrite: false, mayReview: false };
  return { userId: principal.userId, mayWrite: holdsForTeam(principal, "postmortem.write", teamId), mayReview: holdsForTeam(principal, "postmortem.review", teamId) };
}

/** The postmortem's owning team, or null when there is none with that id (a plain 404: postmortems are readable by everyone signed in). */
export async function findPostmortemTeam(tx: Prisma.TransactionClient, id: number): Promise<number | null> {
  const row = await tx.postmortem.findUnique({ where: { id }, select: { teamId: true } });
  return row?.teamId ?? null;
}

export interface TLockedPostmortem {
  id: number;
  teamId: number;
  status: TPostmortemStatus;
  version: number;
  authorId: number | null;
  approvedById: number | null;
}

/** The postmortem's row, locked until the transaction ends: concurrent changes apply one after the other. */
export async function lockPostmortem(tx: Prisma.TransactionClient, id: number): Promise<TLockedPostmortem> {
  const rows = await tx.$queryRaw<TLockedPostmortem[]>`
    SELECT id, "teamId", status::text AS status, version, "authorId", "approvedById" FROM "Postmortem" WHERE id = ${id} FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `No postmortem with id ${id}.`);
  return row;
}

/** Who wrote it: the person who created it and everyone who saved a section. */
export async function authorIdsOf(tx: Prisma.TransactionClient, postmortem: Pick<TLockedPostmortem, "id" | "authorId">): Promise<Set<number>> {
  const writers = await tx.postmortemRevision.findMany({ where: { postmortemId: postmortem.id, authorId: { not: null } }, select: { authorId: true }, distinct: ["authorId"] });
  const ids = new Set(writers.map((w) => w.authorId!));
  if (postmortem.authorId !== null) ids.add(postmortem.authorId);
  return ids;
}

export async function workflowStateOf(tx: Prisma.TransactionClient, postmortem: TLockedPostmortem): Promise<TWorkflowState> {
  return { status: postmortem.status, authorIds: await authorIdsOf(tx, postmortem), approvedById: postmortem.approvedById };
}

/** A stale save: 409 with the version it would overwrite, so the page can show what changed. */
export function staleVersionError(what: string, current: number, given: number): AppError {
  return new AppError("CONFLICT", `Someone else changed ${what} since you opened it (version ${current}, you edited ${given}): reload to see their change, then save yours again.`, {
    details: { currentVersion: current, yourVersion: given },
  });
}

/** Approval freezes the text: changes need it reopened (409 says so). */
export function assertEditable(postmortem: Pick<TLockedPostmortem, "status">): void {
  if (!isEditable(postmortem.status)) {
    const state = postmortem.status === "NOT_REQUIRED" ? "marked not required" : postmortem.status.toLowerCase();
    throw new AppError("CONFLICT", `This postmortem is ${state}: an approver must reopen it before it can be changed.`);
  }
}

/** One audit row for a postmortem change, in the same transaction. */
export async function auditPostmortem(
  tx: Prisma.TransactionClient,
  writer: TPostmortemWriter,
  entry: { action: string; entityId: number | string; entityType?: string; before?: unknown; after?: unknown },
): Promise<void> {
  await tx.auditEvent.create({
    data: auditData(writer.actor, { entityType: entry.entityType ?? "Postmortem", action: entry.action, entityId: entry.entityId, before: entry.before, after: entry.after }, writer.origin),
  });
}

/** Bumps the header's version (every change a reader must see, so a stale header save is caught). */
export async function touchPostmortem(tx: Prisma.TransactionClient, id: number, data: Prisma.PostmortemUncheckedUpdateInput = {}): Promise<number> {
  const row = await tx.postmortem.update({ where: { id }, data: { ...data, version: { increment: 1 } }, select: { version: true } });
  return row.version;
}

/**
 * The start of every postmortem write route: the id from the path, 404 when
 * there is no such postmortem (they are readable by everyone signed in), 403
 * unless the caller holds the route's permission for its team, and the writer.
 */
export async function authorizePostmortemWrite(
  rawId: string,
  ctx: Pick<TAuthContext<TRouteParams>, "principal" | "actor" | "requireTeam" | "ip" | "requestId">,
): Promise<{ id: number; teamId: number; writer: TPostmortemWriter }> {
  const id = parsePathId(rawId);
  const teamId = await findPostmortemTeam(db, id);
  if (teamId === null) throw new AppError("NOT_FOUND", `No postmortem with id ${id}.`);
  ctx.requireTeam(teamId);
  return { id, teamId, writer: postmortemWriter(ctx.principal, ctx.actor, { ip: ctx.ip, requestId: ctx.requestId }, new Date()) };
}
