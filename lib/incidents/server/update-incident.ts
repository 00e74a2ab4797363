import "server-only";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { TIssue } from "@/lib/http";
import type { TIncidentState } from "@/lib/incidents/incident-state";
import type { TIncidentPatch } from "@/lib/incidents/schemas";
import { assertMayLink, deploymentProblemsError, lockIncident, resolveDeploymentRefs, toState, writeIncidentChange, type TIncidentWriter } from "@/lib/incidents/server/incident-store";
import { attributeStoredIncident } from "@/lib/incidents/server/rule-deployment";

/** The team that owns the incident's service (whose members may change it), or null when there is no such incident. */
export async function findIncidentTeam(id: number): Promise<number | null> {
  const incident = await db.incident.findUnique({ where: { id }, select: { service: { select: { teamId: true } } } });
  return incident?.service.teamId ?? null;
}

export interface TUpdateIncidentOptions {
  id: number;
  patch: TIncidentPatch;
  /** Whether the caller may link the incident to a deployment of this team, when it is another team than the incident's (mayLinkDeploymentsOf). */
  mayLinkTeam: (teamId: number) => boolean;
  writer: TIncidentWriter;
}

/**
 * A person's change to an incident: acknowledge, resolve or reopen, set the
 * cause, correct severity or title, or re-attribute it — to a deployment or
 * to none (explicit, and then it wins over the rule), or back to the rule.
 * What a person says replaces what was stored (unlike reports, which merge).
 * Linking it to another team's deployment takes the right to manage that
 * team's incidents too. Audited with before and after; returns whether
 * anything changed.
 */
export async function updateIncident({ id, patch, mayLinkTeam, writer }: TUpdateIncidentOptions): Promise<{ isChanged: boolean }> {
  const ref = patch.deployment && patch.deployment !== "rule" ? patch.deployment : null;
  const { ids, deployments, problems } = await resolveDeploymentRefs(db, ref ? [{ path: "deployment", ref }] : []);
  if (problems.length) throw deploymentProblemsError(problems);

  return db.$transaction(async (tx) => {
    const locked = await lockIncident(tx, { id });
    if (!locked) throw new AppError("NOT_FOUND", `No incident with id ${id}.`);
    const linked = deployments.get("deployment");
    // Another team's deployment as the cause: only for someone who may manage that team's incidents too.
    if (linked) assertMayLink([{ path: "deployment", deployment: linked, teamId: locked.service.teamId }], mayLinkTeam);
    const before = toState(locked);
    const after: TIncidentState = { ...before };
    if (patch.acknowledgedAt !== undefined) after.acknowledgedAt = new Date(patch.acknowledgedAt);
    if (patch.resolvedAt !== undefined) after.resolvedAt = patch.resolvedAt === null ? null : new Date(patch.resolvedAt);
    if (patch.causedByChange !== undefined) after.causedByChange = patch.causedByChange;
    if (patch.severity !== undefined) after.severity = patch.severity;
    if (patch.title !== undefined) after.title = patch.title;
    if (patch.description !== undefined) after.description = patch.description;

    const issues: TIssue[] = [];
    if (after.acknowledgedAt && after.acknowledgedAt < after.openedAt) issues.push({ path: "acknowledgedAt", message: `is before the incident opened (${after.openedAt.toISOString()})` });
    if (after.resolvedAt && after.resolvedAt < after.openedAt) issues.push({ path: "resolvedAt", message: `is before the incident opened (${after.openedAt.toISOString()})` });
    else if (after.resolvedAt && after.acknowledgedAt && after.resolvedAt < after.acknowledgedAt) {
      issues.push(
        patch.resolvedAt
          ? { path: "resolvedAt", message: `is before it was acknowledged (${after.acknowledgedAt.toISOString()})` }
          : { path: "acknowledgedAt", message: `is after it was resolved (${after.resolvedAt.toISOString()})` },
      );
    }
    if (issues.length) throw new AppError("INVALID_INPUT", `The request has ${issues.length} problem(s).`, { details: { issues } });

    if (patch.deployment !== undefined) {
      const explicit = patch.deployment === "rule" ? undefined : { deploymentId: patch.deployment === null ? null : ids.get("deployment")! };
      const attribution = await attributeStoredIncident(tx, { serviceId: after.serviceId, openedAt: after.openedAt, windowHours: writer.windowHours, explicit });
      after.deploymentId = attribution.deploymentId;
      after.attributionSource = attribution.source;
    }
    return { isChanged: await writeIncidentChange(tx, { id, before, after, writer }) };
  });
}
