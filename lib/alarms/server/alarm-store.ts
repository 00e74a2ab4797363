import "server-only";
import { alarmEpisodes, planAlarmIncidents, type TEpisode, type TExistingIncident, type TTransitionPoint } from "@/lib/alarms/alarm-incidents";
import type { TAlarmState, TSeverity } from "@/lib/alarms/collect/types";
import { attributionWindowStart, PRODUCTION } from "@/lib/incidents/attribution";
import { statusOf, timelineEntries, type TIncidentState } from "@/lib/incidents/incident-state";
import { batches, type TSql } from "@/lib/pipelines/server/transaction";

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
  const since = new Date(rules.now.getTime() - INCIDENT_LOOKBACK_DAYS * 86_400_000).toISOString();
  const { rows: transitions } = await sql.query<TTransitionPoint & { alarmId: number }>(
    `SELECT "alarmId", "toState"::text AS "toState", reason, at AT TIME ZONE 'UTC' AS at FROM "AlarmTransition"
     WHERE "alarmId" = ANY($1::int[]) AND at >= $2::timestamptz AT TIME ZONE 'UTC' ORDER BY "alarmId", at`,
    [ids, since],
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
      const { episode } = plan;
      const deploymentId = await ruleDeployment(sql, alarm.serviceId, episode.openedAt, rules.windowHours);
      const state: TIncidentState = {
        serviceId: alarm.serviceId,
        title: `${alarm.name} in ALARM`,
        severity: alarm.severity,
        description: episode.reason,
        ...episodeTimes(episode, null),
        causedByChange: null,
        deploymentId,
        attributionSource: deploymentId === null ? null : "RULE",
      };
      const externalId = `${alarm.arn}@${episode.openedAt.toISOString()}`;
      const { rows: created } = await sql.query<{ id: number }>(
        `INSERT INTO "Incident" ("serviceId", title, severity, status, "openedAt", "resolvedAt", source, "externalId", "deploymentId", "attributionSource",
                                 description, "updatedAt")
         VALUES ($1, $2, $3::"Severity", $4::"IncidentStatus", $5::timestamptz AT TIME ZONE 'UTC', $6::timestamptz AT TIME ZONE 'UTC', $7, $8, $9,
                 $10::"AttributionSource", $11, now() AT TIME ZONE 'UTC')
         ON CONFLICT (source, "externalId") DO NOTHING RETURNING id`,
        [state.serviceId, state.title, state.severity, statusOf(state), state.openedAt.toISOString(), state.resolvedAt?.toISOString() ?? null, ALARM_INCIDENT_SOURCE, externalId, deploymentId, state.attributionSource, state.description?.slice(0, 2000) ?? null],
      );
      const id = created[0]?.id;
      if (id === undefined) continue;
      await sql.query(`INSERT INTO "IncidentAlarm" ("incidentId", "alarmId") VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, alarm.id]);
      await writeTimeline(sql, id, null, state, rules);
      outcome.created += 1;
    }
  }
  return outcome;
}
