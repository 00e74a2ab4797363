import "server-only";
import { alarmCondition, alarmConsoleUrl, metricConsoleUrl } from "@/lib/alarms/alarm-board";
import type { TAlarmDefinition } from "@/lib/alarms/collect/types";
import { db } from "@/lib/db";

/** Transitions shown on the alarm page, newest first. */
export const ALARM_TIMELINE_LIMIT = 100;

/** One alarm for its page: what it watches, its service, its recent state history and its incidents. */
export async function getAlarm(id: number) {
  const alarm = await db.alarm.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      arn: true,
      type: true,
      region: true,
      state: true,
      stateReason: true,
      stateUpdatedAt: true,
      severity: true,
      namespace: true,
      metricName: true,
      dimensions: true,
      threshold: true,
      comparison: true,
      definition: true,
      description: true,
      tags: true,
      lastSyncedAt: true,
      deletedAt: true,
      awsAccount: { select: { accountId: true, name: true } },
      service: { select: { id: true, slug: true, name: true, team: { select: { id: true, slug: true, name: true } } } },
      transitions: { orderBy: { at: "desc" }, take: ALARM_TIMELINE_LIMIT, select: { id: true, fromState: true, toState: true, reason: true, at: true } },
      _count: { select: { transitions: true } },
      incidents: {
        orderBy: { incident: { openedAt: "desc" } },
        take: 10,
        select: { incident: { select: { id: true, title: true, status: true, severity: true, openedAt: true, resolvedAt: true } } },
      },
    },
  });
  if (!alarm) return null;
  const definition = (alarm.definition ?? null) as TAlarmDefinition | null;
  return {
    ...alarm,
    definition,
    dimensions: Array.isArray(alarm.dimensions) ? (alarm.dimensions as { name: string; value: string }[]) : [],
    tags: (alarm.tags ?? {}) as Record<string, string>,
    condition: alarmCondition({ ...alarm, alarmRule: definition?.alarmRule ?? null }),
    consoleUrl: alarmConsoleUrl(alarm.region, alarm.name),
    metricConsoleUrl: alarm.namespace && alarm.metricName ? metricConsoleUrl(alarm.region, alarm.namespace, alarm.metricName) : null,
    incidents: alarm.incidents.map((i) => i.incident),
  };
}

export type TAlarmDetail = NonNullable<Awaited<ReturnType<typeof getAlarm>>>;
