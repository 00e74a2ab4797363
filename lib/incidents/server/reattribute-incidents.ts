import "server-only";
import { db } from "@/lib/db";
import { PRODUCTION } from "@/lib/incidents/attribution";
import { lockIncident, toState, writeIncidentChange, type TIncidentWriter } from "@/lib/incidents/server/incident-store";
import { findRuleDeployment } from "@/lib/incidents/server/rule-deployment";

/** Re-attribution runs as the rule itself, on behalf of whoever sent the deployments. */
const RULE_ACTOR = { system: "attribution rule" } as const;

export interface TReattributeIncidentsOptions {
  /** Deployments just created or changed. */
  deploymentIds: readonly number[];
  windowHours: number;
  origin?: TIncidentWriter["origin"];
}

/**
 * Deployments arrive late and out of order: when one is recorded or changed,
 * the incidents whose rule answer it may change are attributed again —
 * those of its service that began within the window after it finished, and
 * those the rule had given to it (it may have moved). Explicit links are
 * left alone. Returns the ids of the incidents whose attribution changed.
 */
export async function reattributeIncidents({ deploymentIds, windowHours, origin = {} }: TReattributeIncidentsOptions): Promise<number[]> {
  if (deploymentIds.length === 0) return [];
  const deployments = await db.deployment.findMany({
    where: { id: { in: [...deploymentIds] } },
    select: { id: true, serviceId: true, environment: true, finishedAt: true },
  });
  const windows = deployments.flatMap((d) =>
    d.environment === PRODUCTION && d.finishedAt
      ? [{ serviceId: d.serviceId, openedAt: { gte: d.finishedAt, lte: new Date(d.finishedAt.getTime() + windowHours * 3_600_000) } }]
      : [],
  );
  const candidates = await db.incident.findMany({
    where: {
      AND: [{ OR: [{ attributionSource: null }, { attributionSource: "RULE" }] }, { OR: [...windows, { deploymentId: { in: [...deploymentIds] } }] }],
    },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  if (candidates.length === 0) return [];

  const writer: TIncidentWriter = { actor: RULE_ACTOR, actorLabel: "Portside (attribution rule)", origin, windowHours };
  return db.$transaction(
    async (tx) => {
      const changed: number[] = [];
      for (const { id } of candidates) {
        const locked = await lockIncident(tx, { id });
        // Deleted meanwhile, or linked explicitly by someone since the query above.
        if (!locked || locked.attributionSource === "EXPLICIT") continue;
        const before = toState(locked);
        const deploymentId = await findRuleDeployment(tx, { serviceId: before.serviceId, openedAt: before.openedAt, windowHours });
        const after = { ...before, deploymentId, attributionSource: deploymentId === null ? null : ("RULE" as const) };
        if (await writeIncidentChange(tx, { id, before, after, writer })) changed.push(id);
      }
      return changed;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
