/**
 * Incidents from an incident-worthy alarm's transitions. Pure: the caller
 * loads the alarm's transitions and its incidents and stores the plan.
 *
 * An episode opens when the alarm enters ALARM and resolves when it returns
 * to OK. If it enters ALARM again within the quiet period after resolving,
 * it is the same episode (reopened): flapping makes one incident, not many.
 * INSUFFICIENT_DATA neither opens nor resolves one. Worked out from all the
 * transitions in time order, so the order they were recorded in does not
 * matter.
 */
import type { TAlarmState } from "@/lib/alarms/collect/types";

export const DEFAULT_QUIET_MINUTES = 15;

export interface TTransitionPoint {
  toState: TAlarmState;
  at: Date;
  reason: string | null;
}

export interface TEpisode {
  openedAt: Date;
  /** Null while the alarm is (back) in ALARM. */
  resolvedAt: Date | null;
  /** Times it went back into ALARM within the quiet period. */
  reopenings: number;
  reason: string | null;
}

export function alarmEpisodes(transitions: readonly TTransitionPoint[], quietMs: number): TEpisode[] {
  const sorted = [...transitions].sort((a, b) => a.at.getTime() - b.at.getTime());
  const episodes: TEpisode[] = [];
  let current: TEpisode | null = null;
  for (const t of sorted) {
    if (t.toState === "ALARM") {
      if (current && current.resolvedAt === null) continue;
      if (current && current.resolvedAt && t.at.getTime() - current.resolvedAt.getTime() <= quietMs) {
        current.resolvedAt = null;
        current.reopenings += 1;
        continue;
      }
      current = { openedAt: t.at, resolvedAt: null, reopenings: 0, reason: t.reason };
      episodes.push(current);
    } else if (t.toState === "OK" && current && current.resolvedAt === null) {
      current.resolvedAt = t.at;
    }
  }
  return episodes;
}

export interface TExistingIncident {
  id: number;
  openedAt: Date;
  resolvedAt: Date | null;
}

export type TIncidentPlan =
  | { kind: "create"; episode: TEpisode }
  | { kind: "update"; incidentId: number; episode: TEpisode };

const end = (from: Date | null) => from?.getTime() ?? Number.POSITIVE_INFINITY;

/**
 * Which incident each episode is: an existing one of this alarm that it
 * overlaps (an earlier transition arriving late moves the opening back
 * rather than making a second incident), else a new one. An incident
 * matches one episode at most; unchanged ones are left out.
 */
export function planAlarmIncidents(episodes: readonly TEpisode[], existing: readonly TExistingIncident[]): TIncidentPlan[] {
  const free = [...existing].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  const plans: TIncidentPlan[] = [];
  for (const episode of episodes) {
    const index = free.findIndex((i) => i.openedAt.getTime() <= end(episode.resolvedAt) && episode.openedAt.getTime() <= end(i.resolvedAt));
    if (index < 0) {
      plans.push({ kind: "create", episode });
      continue;
    }
    const [incident] = free.splice(index, 1);
    const isSame = incident!.openedAt.getTime() === episode.openedAt.getTime() && (incident!.resolvedAt?.getTime() ?? null) === (episode.resolvedAt?.getTime() ?? null);
    if (!isSame) plans.push({ kind: "update", incidentId: incident!.id, episode });
  }
  return plans;
}
