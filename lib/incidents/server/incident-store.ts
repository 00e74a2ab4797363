import "server-only";
import { auditData, type TActor, type TAuditOrigin } from "@/lib/audit/server/audit";
import { holdsForTeam } from "@/lib/auth/permissions";
import type { TPrincipal } from "@/lib/auth/server/with-auth";
import type { Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { PRODUCTION } from "@/lib/incidents/attribution";
import { changedFields, INCIDENT_FIELDS, snapshot, statusOf, timelineEntries, type TIncidentState } from "@/lib/incidents/incident-state";
import type { TDeploymentRef } from "@/lib/incidents/schemas";

/** Who made a change, as the incident's timeline names them. */
export function actorLabel(principal: TPrincipal): string {
  return principal.kind === "user" ? principal.email : `API token ${principal.name}`;
}

/**
 * Whether the caller may give an incident a deployment of this team as its cause when the team is not the
 * incident's own: that raises the other team's change fail rate, so it takes the right to manage that team's
 * incidents too (admins hold it everywhere), or an organisation-wide token. A team's token holds it for no
 * other team.
 */
export function mayLinkDeploymentsOf(principal: TPrincipal): (teamId: number) => boolean {
  return (teamId) => (principal.kind === "user" ? holdsForTeam(principal, "incident.manage", teamId) : principal.teamId === null);
}

/** Everything incident writes need to record who did it and how the rule was set. */
export interface TIncidentWriter {
  actor: TActor;
  actorLabel: string;
  origin: TAuditOrigin;
  windowHours: number;
}

export const STATE_SELECT = {
  id: true,
  serviceId: true,
  title: true,
  severity: true,
  description: true,
  openedAt: true,
  acknowledgedAt: true,
  resolvedAt: true,
  causedByChange: true,
  deploymentId: true,
  attributionSource: true,
} as const satisfies Prisma.IncidentSelect;

export function toState(row: Prisma.IncidentGetPayload<{ select: typeof STATE_SELECT }>): TIncidentState {
  return {
    serviceId: row.serviceId,
    title: row.title,
    severity: row.severity,
    description: row.description,
    openedAt: row.openedAt,
    acknowledgedAt: row.acknowledgedAt,
    resolvedAt: row.resolvedAt,
    causedByChange: row.causedByChange,
    deploymentId: row.deploymentId,
    attributionSource: row.attributionSource,
  };
}

/**
 * The incident's row (with its service's team), locked until the transaction
 * ends: concurrent reports of one incident apply one after the other.
 */
export async function lockIncident(tx: Prisma.TransactionClient, where: { id: number } | { source: string; externalId: string }) {
  const rows =
    "id" in where
      ? await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Incident" WHERE id = ${where.id} FOR UPDATE`
      : await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Incident" WHERE source = ${where.source} AND "externalId" = ${where.externalId} FOR UPDATE`;
  const id = rows[0]?.id;
  if (id === undefined) return null;
  return tx.incident.findUniqueOrThrow({ where: { id }, select: { ...STATE_SELECT, service: { select: { teamId: true } } } });
}

/** A deployment named explicitly, with the service (and team) it belongs to. */
export interface TLinkedDeployment {
  id: number;
  teamId: number;
  service: string;
}

export interface TDeploymentProblem {
  /** Where in the request, e.g. "incidents.2.deployment". */
  path: string;
  deployment: TDeploymentRef;
  problem: "unknown" | "not production";
}

/**
 * Finds the deployments named explicitly, by id or by source + external id.
 * Only production deployments count for DORA, so a link to any other is
 * refused along with links to deployments that do not exist.
 */
export async function resolveDeploymentRefs(
  client: Prisma.TransactionClient,
  refs: readonly { path: string; ref: TDeploymentRef }[],
): Promise<{ ids: Map<string, number>; deployments: Map<string, TLinkedDeployment>; problems: TDeploymentProblem[] }> {
  const ids = new Map<string, number>();
  const deployments = new Map<string, TLinkedDeployment>();
  const problems: TDeploymentProblem[] = [];
  if (refs.length === 0) return { ids, deployments, problems };
  const byId = refs.flatMap((r) => (r.ref.id !== undefined ? [r.ref.id] : []));
  const byKey = refs.flatMap((r) => (r.ref.id === undefined ? [{ source: r.ref.source!, externalId: r.ref.externalId! }] : []));
  const found = await client.deployment.findMany({
    where: { OR: [...(byId.length ? [{ id: { in: byId } }] : []), ...byKey] },
    select: { id: true, source: true, externalId: true, environment: true, service: { select: { slug: true, teamId: true } } },
  });
  for (const { path, ref } of refs) {
    const deployment = found.find((d) => (ref.id !== undefined ? d.id === ref.id : d.source === ref.source && d.externalId === ref.externalId));
    if (!deployment) problems.push({ path, deployment: ref, problem: "unknown" });
    else if (deployment.environment !== PRODUCTION) problems.push({ path, deployment: ref, problem: "not production" });
    else {
      ids.set(path, deployment.id);
      deployments.set(path, { id: deployment.id, teamId: deployment.service.teamId, service: deployment.service.slug });
    }
  }
  return { ids, deployments, problems };
}

/**
 * 403 for links the caller may not make: deployments of another team than the incident's (`teamId`), of a team
 * whose incidents the caller may not manage. Nothing is stored.
 */
export function assertMayLink(
  links: readonly { path: string; deployment: TLinkedDeployment; teamId: number }[],
  mayLinkTeam: (teamId: number) => boolean,
): void {
  const refused = links.filter((l) => l.deployment.teamId !== l.teamId && !mayLinkTeam(l.deployment.teamId));
  if (refused.length === 0) return;
  const first = refused[0]!;
  throw new AppError(
    "FORBIDDEN",
    `${first.path}: deployment #${first.deployment.id} is of service "${first.deployment.service}", of another team; giving it an incident of yours takes the right to manage that team's incidents too${refused.length > 1 ? ` (and ${refused.length - 1} more like it)` : ""}. Nothing was stored.`,
    { details: { forbiddenDeployments: refused.map((l) => ({ path: l.path, deploymentId: l.deployment.id, service: l.deployment.service })) } },
  );
}

export function deploymentProblemsError(problems: readonly TDeploymentProblem[], extra: Record<string, unknown> = {}): AppError {
  const unknown = problems.filter((p) => p.problem === "unknown").length;
  const parts = [
    ...(unknown ? [`${unknown} deployment(s) not found`] : []),
    ...(problems.length > unknown ? [`${problems.length - unknown} deployment(s) not in production (only production deployments can cause incidents)`] : []),
  ];
  return new AppError("UNPROCESSABLE", `${parts.join("; ")}. Nothing was stored.`, { details: { deploymentProblems: problems, ...extra } });
}

/**
 * Writes an incident's new state (before: null when it was just inserted),
 * its timeline entries and one audit row. Nothing changed: nothing written,
 * so a repeated report leaves no trace. Returns whether anything changed.
 */
export async function writeIncidentChange(
  tx: Prisma.TransactionClient,
  { id, before, after, writer }: { id: number; before: TIncidentState | null; after: TIncidentState; writer: TIncidentWriter },
): Promise<boolean> {
  const changed = before ? changedFields(before, after) : [...INCIDENT_FIELDS];
  if (before && changed.length === 0) return false;
  if (before) await tx.incident.update({ where: { id }, data: { ...after, status: statusOf(after) } });
  const entries = timelineEntries(before, after, { now: new Date(), windowHours: writer.windowHours });
  if (entries.length) {
    await tx.incidentEvent.createMany({
      data: entries.map((e) => ({ incidentId: id, at: e.at, kind: e.kind, message: e.message, actor: writer.actorLabel, data: e.data as Prisma.InputJsonValue | undefined })),
    });
  }
  // The timeline's first entry follows the incident's start when a report moves it earlier.
  if (before && before.openedAt.getTime() !== after.openedAt.getTime()) {
    await tx.incidentEvent.updateMany({ where: { incidentId: id, kind: "opened" }, data: { at: after.openedAt } });
  }
  await tx.auditEvent.create({
    data: auditData(
      writer.actor,
      {
        action: before ? "incident.update" : "incident.create",
        entityType: "Incident",
        entityId: id,
        before: before ? snapshot(before, changed) : undefined,
        after: snapshot(after, changed),
      },
      writer.origin,
    ),
  });
  return true;
}
