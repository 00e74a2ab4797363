import "server-only";
import { METRIC_WINDOWS, type TAlarmMetrics, type TMetricWindow } from "@/lib/alarms/alarm-board";
import { cloudWatchClientFor, type TMetricQuery } from "@/lib/alarms/collect/cloudwatch";
import { getBatchedMetricData } from "@/lib/alarms/collect/metric-data";
import type { TAlarmDefinition } from "@/lib/alarms/collect/types";
import { describeAwsError } from "@/lib/aws/clients";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { PRODUCTION } from "@/lib/incidents/attribution";
import { log } from "@/lib/log";

/** Metric data is cached this long per alarm and window: a page left open, or many people on one alarm, make one call a minute. */
export const METRIC_CACHE_MS = 60_000;
const MAX_CACHED = 500;
const cache = new Map<string, { at: number; value: Promise<TAlarmMetrics> }>();

/** About 300 points or fewer over the window, never finer than the alarm's own period. */
export function chartPeriod(windowHours: number, alarmPeriod: number | null): number {
  const seconds = windowHours * 3600;
  const steps = [60, 300, 900, 3600];
  const fitting = steps.find((p) => seconds / p <= 300) ?? 3600;
  return Math.max(fitting, alarmPeriod ?? 60);
}

/** The queries that chart an alarm: its one metric, or its metric math with every metric at the chart's period. Null for a composite alarm. */
export function alarmQueries(alarm: { namespace: string | null; metricName: string | null; dimensions: { name: string; value: string }[]; definition: TAlarmDefinition | null }, period: number): TMetricQuery[] | null {
  const definition = alarm.definition;
  if (alarm.namespace && alarm.metricName) {
    return [
      {
        id: "m1",
        label: alarm.metricName,
        returnData: true,
        expression: null,
        metricStat: { namespace: alarm.namespace, metricName: alarm.metricName, dimensions: alarm.dimensions, period, stat: definition?.statistic ?? "Average", unit: definition?.unit ?? null },
        accountId: null,
      },
    ];
  }
  if (definition?.metrics.length) return definition.metrics.map((m) => (m.metricStat ? { ...m, metricStat: { ...m.metricStat, period } } : m));
  return null;
}

async function loadMetrics(alarmId: number, window: TMetricWindow, now: Date): Promise<TAlarmMetrics> {
  const alarm = await db.alarm.findUnique({
    where: { id: alarmId },
    select: {
      region: true,
      namespace: true,
      metricName: true,
      dimensions: true,
      threshold: true,
      definition: true,
      serviceId: true,
      awsAccount: { select: { accountId: true, roleArn: true, externalId: true } },
    },
  });
  if (!alarm) throw new AppError("NOT_FOUND", `Alarm ${alarmId} does not exist.`);
  const hours = METRIC_WINDOWS[window];
  const end = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - hours * 3_600_000);
  const definition = alarm.definition as TAlarmDefinition | null;
  const period = chartPeriod(hours, definition?.period ?? null);
  const deployments = alarm.serviceId
    ? await db.deployment.findMany({
        where: { serviceId: alarm.serviceId, environment: PRODUCTION, finishedAt: { gte: start, lte: end } },
        orderBy: { finishedAt: "asc" },
        take: 200,
        select: { id: true, finishedAt: true, version: true, status: true },
      })
    : [];
  const base = {
    window,
    start: start.toISOString(),
    end: end.toISOString(),
    period,
    threshold: alarm.threshold,
    deployments: deployments.map((d) => ({ id: d.id, at: d.finishedAt!.toISOString(), version: d.version, status: d.status })),
    fetchedAt: new Date().toISOString(),
  };
  const queries = alarmQueries({ ...alarm, dimensions: Array.isArray(alarm.dimensions) ? (alarm.dimensions as { name: string; value: string }[]) : [], definition }, period);
  if (!queries) return { ...base, points: null, label: null, status: "A composite alarm has no metric of its own: see the alarms its rule names." };

  const { accountId, roleArn, externalId } = alarm.awsAccount;
  const client = cloudWatchClientFor({ accountId, roleArn, externalId }, alarm.region);
  try {
    const series = (await getBatchedMetricData({ client, bucketKey: `${accountId}:${alarm.region}`, requests: [{ key: "alarm", queries }], start, end })).get("alarm") ?? [];
    const shown = series[0];
    return {
      ...base,
      points: (shown?.points ?? []).map((p) => ({ at: p.at.toISOString(), value: p.value })),
      label: shown?.label ?? null,
      status: shown?.status ?? "Complete",
    };
  } catch (error) {
    log.warn({ err: error, alarmId, accountId, region: alarm.region }, "GetMetricData failed");
    throw new AppError("UPSTREAM", `CloudWatch did not return the metric: ${describeAwsError(error)}`, { cause: error });
  }
}

/** An alarm's metric over a window, with its threshold and the service's deployments, cached for a minute (a failure is not cached). */
export async function getAlarmMetrics({ alarmId, window, now = new Date() }: { alarmId: number; window: TMetricWindow; now?: Date }): Promise<TAlarmMetrics> {
  const key = `${alarmId}|${window}`;
  const hit = cache.get(key);
  if (hit && now.getTime() - hit.at < METRIC_CACHE_MS) return hit.value;
  const value = loadMetrics(alarmId, window, now);
  cache.set(key, { at: now.getTime(), value });
  value.catch(() => cache.delete(key));
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return value;
}
