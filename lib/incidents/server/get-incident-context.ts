import "server-only";
import { db } from "@/lib/db";

/** How far back the deployments offered for attribution go, before the incident opened. */
export const CANDIDATE_DAYS = 14;
const MAX_CANDIDATES = 15;

export interface TIncidentContext {
  teamId: number;
  serviceId: number;
  /** The alarms that raised or joined it. */
  alarms: { id: number; name: string; state: string; region: string }[];
  /**
   * Production deployments of its service a person may attribute it to: the
   * latest ones that finished before it opened (within CANDIDATE_DAYS), and
   * the one it is attributed to now, newest first.
   */
  candidates: { id: number; version: string | null; status: string; finishedAt: string; source: string }[];
}

/** What the incident page needs beside the incident itself; null when there is no such incident. */
export async function getIncidentContext(id: number): Promise<TIncidentContext | null> {
  const incident = await db.incident.findUnique({
    where: { id },
    select: {
      serviceId: true,
      openedAt: true,
      deploymentId: true,
      service: { select: { teamId: true } },
      alarms: { select: { alarm: { select: { id: true, name: true, state: true, region: true } } }, orderBy: { alarmId: "asc" } },
    },
  });
  if (!incident) return null;
  const since = new Date(incident.openedAt.getTime() - CANDIDATE_DAYS * 86_400_000);
  const deployments = await db.deployment.findMany({
    where: {
      OR: [
        { serviceId: incident.serviceId, environment: "production", finishedAt: { gte: since, lte: incident.openedAt } },
        ...(incident.deploymentId !== null ? [{ id: incident.deploymentId }] : []),
      ],
    },
    orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
    take: MAX_CANDIDATES + 1,
    select: { id: true, version: true, status: true, finishedAt: true, startedAt: true, source: true },
  });
  return {
    teamId: incident.service.teamId,
    serviceId: incident.serviceId,
    alarms: incident.alarms.map((a) => a.alarm),
    candidates: deployments.map((d) => ({
      id: d.id,
      version: d.version,
      status: d.status.toLowerCase(),
      finishedAt: (d.finishedAt ?? d.startedAt).toISOString(),
      source: d.source,
    })),
  };
}
