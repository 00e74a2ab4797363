import "server-only";
import { alarmEpisodes, planAlarmIncidents, type TEpisode, type TExistingIncident, type TTransitionPoint } from "@/lib/alarms/alarm-incidents";
import type { TAlarmState, TSeverity } from "@/lib/alarms/collect/types";
import { attributionWindowStart, PRODUCTION } from "@/lib/incidents/attribution";
import { statusOf, timelineEntries, type TIncidentState } from "@/lib/incidents/incident-state";
import { env } from "@/lib/env";
import { batches, type TSql } from "@/lib/db/transaction";

/** Incident.source of incidents opened by alarms. */
export const ALARM_INCIDENT_SOURCE = "cloudwatch";
/** How far back an alarm's transitions are read to work out its incidents (CloudWatch keeps 30 days of history). */
const INCIDENT_LOOKBACK_DAYS = 35;
const TRANSITION_BATCH = 5000;

export interface TTransitionRow {
  alarmId: number;
  fromState: TAlarmState | null;
  toState: TAlarmState;
  reason: string | null;
  at: Date;
}

/**
 * Records transitions not recorded yet; returns the alarms that got one. An
 * event's state timestamp and the history's entry for the same change can
 * differ by milliseconds, so the same alarm entering the same state within
 * a second is taken as the same transition.
 */
export async function insertTransitions(sql: TSql, rows: readonly TTransitionRow[]): Promise<{ alarmIds: Set<number>; inserted: number }> {
  const unique = new Map<string, TTransitionRow>();
  for (const row of rows) unique.set(`${row.alarmId}|${row.toState}|${Math.floor(row.at.getTime() / 1000)}`, row);
  const changed = new Set<number>();
  let count = 0;
  for (const batch of batches([...unique.values()], TRANSITION_BATCH)) {
    const { rows: inserted } = await sql.query<{ alarmId: number }>(
      `INSERT INTO "AlarmTransition" ("alarmId", "fromState", "toState", reason, at)
       SELECT x."alarmId", x."fromState"::"AlarmState", x."toState"::"AlarmState", x.reason, x.at AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS x("alarmId" int, "fromState" text, "toState" text, reason text, at timestamptz)
       WHERE NOT EXISTS (SELECT 1 FROM "AlarmTransition" t
                         WHERE t."alarmId" = x."alarmId" AND t."toState" = x."toState"::"AlarmState"
                           AND t.at BETWEEN (x.at AT TIME ZONE 'UTC') - interval '1 second' AND (x.at AT TIME ZONE 'UTC') + interval '1 second')
       ON CONFLICT ("alarmId", at, "toState") DO NOTHING
       RETURNING "alarmId"`,
      [JSON.stringify(batch.map((r) => ({ ...r, reason: r.reason?.slice(0, 2000) ?? null, at: r.at.toISOString() })))],
    );
    for (const r of inserted) changed.add(r.alarmId);
    count += inserted.length;
  }
  return { alarmIds: changed, inserted: count };
}

/**
 * Moves each alarm to its latest recorded transition when that is newer than
 * the state it has: an older state never overwrites a newer one, whatever
 * the order events and syncs arrive in.
 */
export async function advanceAlarmStates(sql: TSql, alarmIds: readonly number[]): Promise<void> {
  if (alarmIds.length === 0) return;
  await sql.query(
    `UPDATE "Alarm" a SET state = t."toState", "stateReason" = t.reason, "stateUpdatedAt" = t.at, "updatedAt" = now() AT TIME ZONE 'UTC'
     FROM (SELECT DISTINCT ON ("alarmId") "alarmId", "toState", reason, at FROM "AlarmTransition"
           WHERE "alarmId" = ANY($1::int[]) ORDER BY "alarmId", at DESC, id DESC) t
     WHERE a.id = t."alarmId" AND t.at > a."stateUpdatedAt"`,
    [alarmIds],
  );
}

export interface TIncidentRules {
  severities: readonly TSeverity[];
  quietMinutes: number;
  windowHours: number;
  now: Date;
}

/** The configured rules (PORTSIDE_INCIDENT_SEVERITIES, …); `now` is the caller's. */
export function configuredIncidentRules(): Omit<TIncidentRules, "now"> {
  const settings = env();
  return { severities: settings.incidentSeverities, quietMinutes: settings.incidentQuietMinutes, windowHours: settings.attributionWindowHours };
}

interface TIncidentRow extends TExistingIncident {
  alarmId: number;
  source: string;
  title: string;
  severity: TSeverity;
  description: string | null;
  acknowledgedAt: Date | null;
  causedByChange: boolean | null;
  deploymentId: number | null;
  attributionSource: "EXPLICIT" | "RULE" | null;
  serviceId: number;
}

async function ruleDeployment(sql: TSql, serviceId: number, openedAt: Date, windowHours: number): Promise<number | null> {
  const { rows } = await sql.query<{ id: number }>(
    `SELECT id FROM "Deployment" WHERE "serviceId" = $1 AND environment = $2
       AND "finishedAt" BETWEEN ($3::timestamptz AT TIME ZONE 'UTC') AND ($4::timestamptz AT TIME ZONE 'UTC')
     ORDER BY "finishedAt" DESC, id DESC LIMIT 1`,
    [serviceId, PRODUCTION, attributionWindowStart(openedAt, windowHours).toISOString(), openedAt.toISOString()],
  );
  return rows[0]?.id ?? null;
}

async function writeTimeline(sql: TSql, incidentId: number, before: TIncidentState | null, after: TIncidentState, rules: TIncidentRules): Promise<void> {
  const entries = timelineEntries(before, after, { now: rules.now, windowHours: rules.windowHours });
  if (entries.length === 0) return;
  await sql.query(
    `INSERT INTO "IncidentEvent" ("incidentId", at, kind, message, actor, data)
     SELECT $1, x.at AT TIME ZONE 'UTC', x.kind, x.message, $2, x.data FROM jsonb_to_recordset($3::jsonb) AS x(at timestamptz, kind text, message text, data jsonb)`,
    [incidentId, `alarm (${ALARM_INCIDENT_SOURCE})`, JSON.stringify(entries.map((e) => ({ ...e, at: e.at.toISOString(), data: e.data ?? null })))],
  );
}

interface TCreate {
  alarm: { id: number; arn: string; name: string; serviceId: number; severity: TSeverity };
  episode: TEpisode;
}

const CREATE_BATCH = 1000;

/**
 * New incidents in batches: the DORA rule's deployment for each in one
 * query, the incidents, their alarm links and their timelines in one
 * statement each (a first sync may open thousands from 30 days of history).
 */
async function createIncidents(sql: TSql, creates: readonly TCreate[], rules: TIncidentRules, outcome: { created: number }): Promise<void> {
  for (const batch of batches(creates, CREATE_BATCH)) {
    const keys = batch.map((c, i) => ({ ord: i + 1, serviceId: c.alarm.serviceId, openedAt: c.episode.openedAt.toISOString(), from: attributionWindowStart(c.episode.openedAt, rules.windowHours).toISOString() }));
    const { rows: ruled } = await sql.query<{ ord: number; id: number | null }>(
      `SELECT x.ord, d.id FROM jsonb_to_recordset($1::jsonb) AS x(ord int, "serviceId" int, "openedAt" timestamptz, "from" timestamptz)
       LEFT JOIN LATERAL (SELECT id FROM "Deployment" WHERE "serviceId" = x."serviceId" AND environment = $2
                            AND "finishedAt" BETWEEN (x."from" AT TIME ZONE 'UTC') AND (x."openedAt" AT TIME ZONE 'UTC')
                          ORDER BY "finishedAt" DESC, id DESC LIMIT 1) d ON true`,
      [JSON.stringify(keys), PRODUCTION],
    );
    const deploymentOf = new Map(ruled.map((r) => [r.ord, r.id]));
    const states = batch.map((c, i): TIncidentState => {
      const deploymentId = deploymentOf.get(i + 1) ?? null;
      return {
        serviceId: c.alarm.serviceId,
        title: `${c.alarm.name} in ALARM`,
        severity: c.alarm.severity,
        description: c.episode.reason?.slice(0, 2000) ?? null,
        ...episodeTimes(c.episode, null),
        causedByChange: null,
        deploymentId,
        attributionSource: deploymentId === null ? null : "RULE",
      };
    });
    const rows = batch.map((c, i) => ({
      ...states[i]!,
      status: statusOf(states[i]!),
      openedAt: states[i]!.openedAt.toISOString(),
      resolvedAt: states[i]!.resolvedAt?.toISOString() ?? null,
      externalId: `${c.alarm.arn}@${c.episode.openedAt.toISOString()}`,
    }));
    // ON CONFLICT DO NOTHING: one already opened (by a concurrent event) stands; the next reconcile updates it.
    const { rows: created } = await sql.query<{ id: number; externalId: string }>(
      `INSERT INTO "Incident" ("serviceId", title, severity, status, "openedAt", "resolvedAt", source, "externalId", "deploymentId", "attributionSource", description, "updatedAt")
       SELECT x."serviceId", x.title, x.severity::"Severity", x.status::"IncidentStatus", x."openedAt" AT TIME ZONE 'UTC', x."resolvedAt" AT TIME ZONE 'UTC', $2,
              x."externalId", x."deploymentId", x."attributionSource"::"AttributionSource", x.description, now() AT TIME ZONE 'UTC'
       FROM jsonb_to_recordset($1::jsonb) AS x("serviceId" int, title text, severity text, status text, "openedAt" timestamptz, "resolvedAt" timestamptz,
                                              "externalId" text, "deploymentId" int, "attributionSource" text, description text)
       ON CONFLICT (source, "externalId") DO NOTHING RETURNING id, "externalId"`,
      [JSON.stringify(rows), ALARM_INCIDENT_SOURCE],
    );
    const idOf = new Map(created.map((r) => [r.externalId, r.id]));
    const links: { incidentId: number; alarmId: number }[] = [];
    const timeline: { incidentId: number; at: string; kind: string; message: string; data: unknown }[] = [];
    batch.forEach((c, i) => {
      const id = idOf.get(rows[i]!.externalId);
      if (id === undefined) return;
      links.push({ incidentId: id, alarmId: c.alarm.id });
      for (const e of timelineEntries(null, states[i]!, { now: rules.now, windowHours: rules.windowHours })) {
        timeline.push({ incidentId: id, at: e.at.toISOString(), kind: e.kind, message: e.message, data: e.data ?? null });
      }
    });
    if (links.length === 0) continue;
    await sql.query(
      `INSERT INTO "IncidentAlarm" ("incidentId", "alarmId") SELECT x."incidentId", x."alarmId" FROM jsonb_to_recordset($1::jsonb) AS x("incidentId" int, "alarmId" int) ON CONFLICT DO NOTHING`,
      [JSON.stringify(links)],
    );
    await sql.query(
      `INSERT INTO "IncidentEvent" ("incidentId", at, kind, message, actor, data)
       SELECT x."incidentId", x.at AT TIME ZONE 'UTC', x.kind, x.message, $2, x.data FROM jsonb_to_recordset($1::jsonb) AS x("incidentId" int, at timestamptz, kind text, message text, data jsonb)`,
      [JSON.stringify(timeline), `alarm (${ALARM_INCIDENT_SOURCE})`],
    );
    outcome.created += links.length;
  }
}

function episodeTimes(episode: TEpisode, acknowledgedAt: Date | null) {
  return { openedAt: episode.openedAt, resolvedAt: episode.resolvedAt, acknowledgedAt };
}

/**
 * Opens, resolves and reopens the incidents of incident-worthy alarms (by
 * severity, with a service) from their recorded transitions
 * (lib/alarms/alarm-incidents.ts). Idempotent: running it twice changes
 * nothing the second time. Each incident is keyed source "cloudwatch" +
 * the alarm's ARN and the time of the transition that opened it, linked to
 * the alarm, attributed by the DORA rule and given a timeline. An episode
 * that an incident from another source (linked to the alarm) already
 * covers opens none.
 */
export async function reconcileAlarmIncidents(sql: TSql, alarmIds: readonly number[], rules: TIncidentRules): Promise<{ created: number; updated: number }> {
  const outcome = { created: 0, updated: 0 };
  if (alarmIds.length === 0) return outcome;
  const { rows: alarms } = await sql.query<{ id: number; arn: string; name: string; serviceId: number; severity: TSeverity }>(
    `SELECT id, arn, name, "serviceId", severity::text AS severity FROM "Alarm"
     WHERE id = ANY($1::int[]) AND "serviceId" IS NOT NULL AND severity::text = ANY($2::text[]) ORDER BY id`,
    [alarmIds, rules.severities],
  );
  if (alarms.length === 0) return outcome;
  const ids = alarms.map((a) => a.id);
  // The lookback is counted back from each alarm's own newest transition, not from the clock: which episodes an
  // alarm's history holds is a fact of that history, so replaying the same transitions gives the same incidents
  // whenever it runs (a clock-anchored window dropped every episode once the history was 35 days old).
  const { rows: transitions } = await sql.query<TTransitionPoint & { alarmId: number }>(
    `SELECT t."alarmId", t."toState"::text AS "toState", t.reason, t.at AT TIME ZONE 'UTC' AS at
     FROM "AlarmTransition" t
     JOIN (SELECT "alarmId", max(at) AS newest FROM "AlarmTransition" WHERE "alarmId" = ANY($1::int[]) GROUP BY "alarmId") n ON n."alarmId" = t."alarmId"
     WHERE t.at >= n.newest - make_interval(days => $2::int) ORDER BY t."alarmId", t.at`,
    [ids, INCIDENT_LOOKBACK_DAYS],
  );
  const { rows: incidents } = await sql.query<TIncidentRow>(
    `SELECT i.id, ia."alarmId", i.title, i.severity::text AS severity, i.description, i."serviceId", i."causedByChange", i."deploymentId",
            i."attributionSource"::text AS "attributionSource", i.source, i."openedAt" AT TIME ZONE 'UTC' AS "openedAt",
            i."acknowledgedAt" AT TIME ZONE 'UTC' AS "acknowledgedAt", i."resolvedAt" AT TIME ZONE 'UTC' AS "resolvedAt"
     FROM "Incident" i JOIN "IncidentAlarm" ia ON ia."incidentId" = i.id
     WHERE ia."alarmId" = ANY($1::int[]) ORDER BY i.id FOR UPDATE OF i`,
    [ids],
  );
  const quietMs = rules.quietMinutes * 60_000;
  const creates: TCreate[] = [];

  for (const alarm of alarms) {
    const episodes = alarmEpisodes(transitions.filter((t) => t.alarmId === alarm.id), quietMs);
    const existing = incidents.filter((i) => i.alarmId === alarm.id);
    for (const plan of planAlarmIncidents(episodes, existing)) {
      if (plan.kind === "update") {
        const row = existing.find((i) => i.id === plan.incidentId)!;
        // An incident another tool reported and linked to this alarm covers the episode; its times are that tool's to say.
        if (row.source !== ALARM_INCIDENT_SOURCE) continue;
        const before: TIncidentState = {
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
        const times = episodeTimes(plan.episode, row.acknowledgedAt);
        const isRuled = row.attributionSource !== "EXPLICIT" && times.openedAt.getTime() !== row.openedAt.getTime();
        const deploymentId = isRuled ? await ruleDeployment(sql, row.serviceId, times.openedAt, rules.windowHours) : row.deploymentId;
        const after: TIncidentState = { ...before, ...times, deploymentId, attributionSource: isRuled ? (deploymentId === null ? null : "RULE") : row.attributionSource };
        await sql.query(
          `UPDATE "Incident" SET "openedAt" = $2::timestamptz AT TIME ZONE 'UTC', "resolvedAt" = $3::timestamptz AT TIME ZONE 'UTC', status = $4::"IncidentStatus",
             "deploymentId" = $5, "attributionSource" = $6::"AttributionSource", "updatedAt" = now() AT TIME ZONE 'UTC'
           WHERE id = $1`,
          [row.id, after.openedAt.toISOString(), after.resolvedAt?.toISOString() ?? null, statusOf(after), after.deploymentId, after.attributionSource],
        );
        await writeTimeline(sql, row.id, before, after, rules);
        // An earlier transition arrived late: the incident began then, and its timeline says so.
        if (after.openedAt.getTime() !== before.openedAt.getTime()) {
          await sql.query(`UPDATE "IncidentEvent" SET at = $2::timestamptz AT TIME ZONE 'UTC' WHERE "incidentId" = $1 AND kind = 'opened'`, [row.id, after.openedAt.toISOString()]);
        }
        outcome.updated += 1;
        continue;
      }
      creates.push({ alarm, episode: plan.episode });
    }
  }
  await createIncidents(sql, creates, rules, outcome);
  return outcome;
}
