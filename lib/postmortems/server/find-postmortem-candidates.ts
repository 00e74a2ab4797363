import "server-only";
import { holdsForTeam, type TUserRoles } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { TSeverity } from "@/lib/incidents/schemas";

/** How far back the list of resolved incidents reaches, and how many it shows. */
const LOOKBACK_DAYS = 90;
const MAX_INCIDENTS = 100;

export interface TPostmortemCandidateIncident {
  id: number;
  title: string;
  severity: TSeverity;
  openedAt: string;
  resolvedAt: string | null;
  service: string;
  team: string;
}

export interface TPostmortemCandidates {
  /** Incidents this person may write a postmortem for that have none: resolved in the lookback, newest first (the requested one first, resolved or not). */
  incidents: TPostmortemCandidateIncident[];
  /** Teams this person may write postmortems for, with their services, for a stand-alone one. */
  teams: { id: number; name: string; services: { id: number; name: string }[] }[];
  /** The incident asked for (?incident=) when it cannot be offered: it has a postmortem already, is someone else's, or does not exist. */
  requested: { id: number; title: string | null; postmortemId: number | null; mayWrite: boolean } | null;
}

export interface TFindPostmortemCandidatesOptions {
  roles: TUserRoles;
  now: Date;
  /** An incident to offer first (the incident page's "Write a postmortem" link). */
  incidentId: number | null;
}

const INCIDENT_SELECT = {
  id: true,
  title: true,
  severity: true,
  openedAt: true,
  resolvedAt: true,
  service: { select: { name: true, teamId: true, team: { select: { name: true } } } },
} as const;

/** What a postmortem can be started for: recent resolved incidents without one, and the teams (and services) for a stand-alone one. */
export async function findPostmortemCandidates({ roles, now, incidentId }: TFindPostmortemCandidatesOptions): Promise<TPostmortemCandidates> {
  const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
  const [rows, teams, asked] = await Promise.all([
    db.incident.findMany({
      where: { status: "RESOLVED", resolvedAt: { gte: since }, postmortem: { is: null } },
      orderBy: [{ resolvedAt: "desc" }, { id: "desc" }],
      // Filtered by team below: read enough that a person in one team still sees theirs.
      take: 2000,
      select: INCIDENT_SELECT,
    }),
    db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, services: { orderBy: { name: "asc" }, select: { id: true, name: true } } } }),
    incidentId === null ? null : db.incident.findUnique({ where: { id: incidentId }, select: { ...INCIDENT_SELECT, postmortem: { select: { id: true } } } }),
  ]);

  const toCandidate = (r: (typeof rows)[number]): TPostmortemCandidateIncident => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    openedAt: r.openedAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    service: r.service.name,
    team: r.service.team.name,
  });
  const incidents = rows.filter((r) => holdsForTeam(roles, "postmortem.write", r.service.teamId) && r.id !== incidentId).slice(0, MAX_INCIDENTS).map(toCandidate);

  let requested: TPostmortemCandidates["requested"] = null;
  if (incidentId !== null) {
    const mayWrite = asked !== null && holdsForTeam(roles, "postmortem.write", asked.service.teamId);
    if (asked && mayWrite && !asked.postmortem) incidents.unshift(toCandidate(asked));
    else requested = { id: incidentId, title: asked?.title ?? null, postmortemId: asked?.postmortem?.id ?? null, mayWrite };
  }

  return {
    incidents,
    teams: teams.filter((t) => holdsForTeam(roles, "postmortem.write", t.id)),
    requested,
  };
}
