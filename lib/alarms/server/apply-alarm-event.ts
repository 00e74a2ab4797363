import "server-only";
import { CLOUDWATCH_EVENT_SOURCE, ALARM_STATE_CHANGE_DETAIL, type TAlarmEvent } from "@/lib/alarms/alarm-events";
import { advanceAlarmStates, insertTransitions, reconcileAlarmIncidents } from "@/lib/alarms/server/alarm-store";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import type { TSql } from "@/lib/db/transaction";

export interface TAlarmEventOutcome {
  id: string;
  result: "applied" | "duplicate" | "ignored";
  reason?: string;
}

// A sync holding the region's alarm rows can take a while: answer 503 (EventBridge retries) rather than outwait its 5 s timeout.
const LOCK_TIMEOUT = "4s";

async function lockAlarm(sql: TSql, awsAccountId: number, event: TAlarmEvent): Promise<number> {
  const select = () => sql.query<{ id: number }>(`SELECT id FROM "Alarm" WHERE arn = $1 FOR UPDATE`, [event.alarmArn]);
  const { rows } = await select();
  if (rows[0]) return rows[0].id;
  // First heard of through an event: a row from what the event says (the next sync reads its tags, severity and the rest).
  const metric = event.metrics.find((m) => m.returnData && m.metricStat && !m.expression)?.metricStat ?? null;
  const isSingleMetric = event.metrics.length === 1 && metric !== null;
  const { rows: inserted } = await sql.query<{ id: number }>(
    `INSERT INTO "Alarm" ("awsAccountId", region, arn, name, type, "serviceId", state, "stateReason", "stateUpdatedAt", namespace, "metricName", dimensions,
                          definition, description, "updatedAt")
     VALUES ($1, $2, $3, $4, $5::"AlarmType",
             (SELECT "serviceId" FROM "ResourceMapping" WHERE arn = $3 ORDER BY CASE source WHEN 'AWS_TAG' THEN 0 WHEN 'MANUAL' THEN 1 ELSE 2 END LIMIT 1),
             $6::"AlarmState", $7, $8::timestamptz AT TIME ZONE 'UTC', $9, $10, $11::jsonb, $12::jsonb, $13, now() AT TIME ZONE 'UTC')
     ON CONFLICT (arn) DO NOTHING RETURNING id`,
    [
      awsAccountId,
      event.region,
      event.alarmArn,
      event.alarmName,
      event.isComposite ? "COMPOSITE" : "METRIC",
      // The previous state, as of long ago: the transition recorded next moves it to the event's state.
      event.previousState ?? "INSUFFICIENT_DATA",
      null,
      new Date(0).toISOString(),
      isSingleMetric ? metric.namespace : null,
      isSingleMetric ? metric.metricName : null,
      JSON.stringify(isSingleMetric ? metric.dimensions : []),
      JSON.stringify({
        period: isSingleMetric ? metric.period : null,
        statistic: isSingleMetric ? metric.stat : null,
        unit: null,
        evaluationPeriods: null,
        datapointsToAlarm: null,
        treatMissingData: null,
        metrics: isSingleMetric ? [] : event.metrics,
        thresholdMetricId: null,
        alarmRule: null,
      }),
      event.description,
    ],
  );
  if (inserted[0]) return inserted[0].id;
  const { rows: raced } = await select();
  return raced[0]!.id;
}

/**
 * Applies one alarm state change inside the caller's transaction:
 * deduplicated by event id, recorded as a transition (once, whoever brings
 * it first: this event or the history sync), the alarm moved to its newest
 * known state (an older event never overwrites a newer state), and the
 * alarm's incidents opened, resolved or reopened.
 */
export async function applyAlarmEvent(sql: TSql, event: TAlarmEvent, now: Date): Promise<TAlarmEventOutcome> {
  await sql.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  const receipt = await sql.query(
    `INSERT INTO "EventReceipt" ("eventId", source, "detailType", "receivedAt") VALUES ($1, $2, $3, now() AT TIME ZONE 'UTC') ON CONFLICT ("eventId") DO NOTHING`,
    [event.id, CLOUDWATCH_EVENT_SOURCE, ALARM_STATE_CHANGE_DETAIL],
  );
  if (receipt.rowCount === 0) return { id: event.id, result: "duplicate" };

  const { rows: accounts } = await sql.query<{ id: number }>(`SELECT id FROM "AwsAccount" WHERE "accountId" = $1`, [event.accountId]);
  const account = accounts[0];
  if (!account) {
    const reason = `account ${event.accountId} is not registered in Portside`;
    log.info({ eventId: event.id, accountId: event.accountId, alarm: event.alarmName }, `ignoring a CloudWatch alarm event: ${reason}`);
    return { id: event.id, result: "ignored", reason };
  }

  const alarmId = await lockAlarm(sql, account.id, event);
  await sql.query(`UPDATE "Alarm" SET "deletedAt" = NULL WHERE id = $1 AND "deletedAt" IS NOT NULL`, [alarmId]);
  const { alarmIds } = await insertTransitions(sql, [{ alarmId, fromState: event.previousState, toState: event.state, reason: event.reason, at: event.stateAt }]);
  if (alarmIds.size > 0) {
    await advanceAlarmStates(sql, [alarmId]);
    const settings = env();
    await reconcileAlarmIncidents(sql, [alarmId], {
      severities: settings.incidentSeverities,
      quietMinutes: settings.incidentQuietMinutes,
      windowHours: settings.attributionWindowHours,
      now,
    });
  }
  return { id: event.id, result: "applied" };
}
