/**
 * The incident's milestones and the durations between them, derived from the
 * timeline (pure; the page and the API show the same figures).
 *
 * Rules. Only entries that are not hidden count (starring changes nothing);
 * "the service" is the postmortem's service, and when it has none every
 * entry's service counts.
 * - impact started: set by hand, else the earliest of the service's first
 *   alarm.ALARM, its first health.degraded (error rate at or above the map
 *   threshold) and the incident opening.
 * - detected: the earliest of the service's first alarm.ALARM and the incident
 *   opening (a rise on the service map alone alerted nobody).
 * - acknowledged: when the incident was acknowledged.
 * - mitigated: set by hand, else the service's first alarm.OK or
 *   health.recovered after detection (after the impact's start when nothing
 *   detected it), else the incident's resolution.
 * - resolved: when the incident was resolved.
 * At equal times an alarm wins over the map, and both over the incident, as
 * the more specific basis.
 *
 * Durations, in ms: time to detect = detected − impact started, known only
 * when the start of impact is known apart from the detection (set by hand, or
 * an error-rate rise on the map before the first alarm): when the first sign
 * of impact is the detection itself, the time to detect is unknown, not 0.
 * The insights page aggregates with these same rules. To acknowledge
 * = acknowledged − detected; to mitigate = mitigated − impact started; to
 * recover = resolved − impact started. Null when an end is unknown, and null
 * (never negative) when the ends are in the wrong order, which only a
 * milestone set by hand can cause: `problems` then says which and why, so the
 * page can ask the person to fix the milestone rather than show a wrong figure.
 */
import { alarmNameFromText, formatThreshold, HEALTH_RULE } from "@/lib/postmortems/evidence";

type TTime = Date | string;

export interface TMilestoneEntry {
  at: TTime;
  kind: string;
  serviceId: number | null;
  isHidden: boolean;
  text: string;
  /** What the machine wrote (the alarm's name is read from it, whatever the person made of `text`). */
  originalText?: string | null;
}

export interface TMilestoneInput {
  incident: { openedAt: TTime; acknowledgedAt: TTime | null; resolvedAt: TTime | null } | null;
  /** The postmortem's service (its incident's); null: every service's entries count. */
  serviceId: number | null;
  entries: readonly TMilestoneEntry[];
  overrides: { impactStartedAt: TTime | null; mitigatedAt: TTime | null };
}

export interface TMilestone {
  /** ISO time, null when unknown. */
  at: string | null;
  /** Why this time, in a few words: "set by hand", "first alarm: checkout-5xx", "incident opened"… */
  basis: string;
}

export interface TMilestones {
  impactStarted: TMilestone;
  detected: TMilestone;
  acknowledged: TMilestone;
  mitigated: TMilestone;
  resolved: TMilestone;
  durations: { timeToDetect: number | null; timeToAcknowledge: number | null; timeToMitigate: number | null; timeToRecover: number | null };
  /** Durations left out because their ends are in the wrong order, in words. */
  problems: string[];
}

interface TCandidate {
  ms: number;
  basis: string;
  /** Breaks ties of time: lower wins. */
  rank: number;
}

const ms = (t: TTime) => (typeof t === "string" ? Date.parse(t) : t.getTime());
const iso = (value: number) => new Date(value).toISOString();
const BY_HAND = "set by hand";

function earliest(candidates: readonly (TCandidate | null)[]): TCandidate | null {
  let best: TCandidate | null = null;
  for (const c of candidates) {
    if (c && (!best || c.ms < best.ms || (c.ms === best.ms && c.rank < best.rank))) best = c;
  }
  return best;
}

const milestone = (c: TCandidate | null, unknown: string): TMilestone => (c ? { at: iso(c.ms), basis: c.basis } : { at: null, basis: unknown });

const alarmName = (e: TMilestoneEntry) => alarmNameFromText(e.originalText ?? e.text) ?? alarmNameFromText(e.text) ?? "an alarm";

export function deriveMilestones({ incident, serviceId, entries, overrides }: TMilestoneInput): TMilestones {
  const threshold = formatThreshold(HEALTH_RULE.threshold);
  const own = entries
    .filter((e) => !e.isHidden && (serviceId === null || e.serviceId === serviceId))
    .map((e) => ({ ...e, ms: ms(e.at) }))
    .sort((a, b) => a.ms - b.ms);
  const first = (kind: string, after = -Infinity) => own.find((e) => e.kind === kind && e.ms > after) ?? null;

  const alarm = first("alarm.ALARM");
  const alarmCandidate: TCandidate | null = alarm ? { ms: alarm.ms, basis: `first alarm: ${alarmName(alarm)}`, rank: 0 } : null;
  const degraded = first("health.degraded");
  const opened: TCandidate | null = incident ? { ms: ms(incident.openedAt), basis: "incident opened", rank: 2 } : null;

  const impact = overrides.impactStartedAt
    ? { ms: ms(overrides.impactStartedAt), basis: BY_HAND, rank: 0 }
    : earliest([alarmCandidate, degraded ? { ms: degraded.ms, basis: `error rate at or above ${threshold}`, rank: 1 } : null, opened]);
  const detected = earliest([alarmCandidate, opened]);
  const acknowledged: TCandidate | null = incident?.acknowledgedAt ? { ms: ms(incident.acknowledgedAt), basis: "incident acknowledged", rank: 0 } : null;
  const resolved: TCandidate | null = incident?.resolvedAt ? { ms: ms(incident.resolvedAt), basis: "incident resolved", rank: 0 } : null;

  let mitigated: TCandidate | null;
  if (overrides.mitigatedAt) {
    mitigated = { ms: ms(overrides.mitigatedAt), basis: BY_HAND, rank: 0 };
  } else {
    const from = detected?.ms ?? impact?.ms;
    const ok = from === undefined ? null : first("alarm.OK", from);
    const recovered = from === undefined ? null : first("health.recovered", from);
    mitigated =
      earliest([ok ? { ms: ok.ms, basis: `alarm back to OK: ${alarmName(ok)}`, rank: 0 } : null, recovered ? { ms: recovered.ms, basis: `error rate back below ${threshold}`, rank: 1 } : null]) ??
      (resolved ? { ...resolved, basis: "incident resolved (no recovery seen before)" } : null);
  }

  const problems: string[] = [];
  const between = (label: string, start: TCandidate | null, startName: string, end: TCandidate | null, endName: string): number | null => {
    if (!start || !end) return null;
    if (end.ms < start.ms) {
      problems.push(`No ${label}: ${endName} (${iso(end.ms)}) is before ${startName} (${iso(start.ms)}).`);
      return null;
    }
    return end.ms - start.ms;
  };

  return {
    impactStarted: milestone(impact, incident ? "not known" : "not known: set when the impact started"),
    detected: milestone(detected, "not known: no alarm and no incident"),
    acknowledged: milestone(acknowledged, incident ? "not acknowledged" : "no incident"),
    mitigated: milestone(mitigated, "not known: no recovery seen and not resolved"),
    resolved: milestone(resolved, incident ? "not resolved" : "no incident"),
    durations: {
      timeToDetect: impact && detected && impact.basis !== BY_HAND && impact.ms === detected.ms ? null : between("time to detect", impact, "impact started", detected, "detected"),
      timeToAcknowledge: between("time to acknowledge", detected, "detected", acknowledged, "acknowledged"),
      timeToMitigate: between("time to mitigate", impact, "impact started", mitigated, "mitigated"),
      timeToRecover: between("time to recover", impact, "impact started", resolved, "resolved"),
    },
    problems,
  };
}
