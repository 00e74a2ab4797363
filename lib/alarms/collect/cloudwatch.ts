/**
 * The CloudWatch calls the alarm collector and the metric chart make, each
 * reshaped into our own types (./types). SDK types stay in this file.
 *
 * API limits that shape the calls (CloudWatch API reference): DescribeAlarms
 * and DescribeAlarmHistory return up to 100 records a page; alarm history is
 * kept for 30 days; ListTagsForResource returns all of a resource's tags in
 * one call; GetMetricData takes up to 500 queries a call and returns up to
 * 100,800 data points, paged with NextToken; GetMetricData is limited to
 * 50 transactions per second per account and region (./token-bucket.ts).
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  paginateDescribeAlarmHistory,
  paginateDescribeAlarms,
  type AlarmHistoryItem,
  type CompositeAlarm,
  type MetricAlarm,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { awsClients, awsOperation, newSyncStats, type TAwsAccountRef } from "@/lib/aws/clients";
import { log } from "@/lib/log";
import type { TAlarmDefinition, TAlarmMetricQuery, TAlarmRecord, TAlarmState, TAlarmTransitionRecord } from "@/lib/alarms/collect/types";

export type { CloudWatchClient };

/** A client for an on-demand read (an alarm's chart) in an account × region, with the process's cached credentials. */
export function cloudWatchClientFor(account: TAwsAccountRef, region: string): CloudWatchClient {
  return awsClients().create(CloudWatchClient, { account, region, stats: newSyncStats() });
}

export const SERVICE_TAG = "portside:service";
export const SEVERITY_TAG = "portside:severity";
export const DESCRIBE_PAGE = 100;
/** GetMetricData's limit on queries in one call. */
export const MAX_QUERIES_PER_CALL = 500;
/** GetMetricData's limit on data points returned in one call (a page). */
export const MAX_DATAPOINTS_PER_CALL = 100_800;

const STATES = new Set<string>(["OK", "ALARM", "INSUFFICIENT_DATA"]);
export const toAlarmState = (value: unknown): TAlarmState | null => (typeof value === "string" && STATES.has(value) ? (value as TAlarmState) : null);

function toMetricQuery(q: MetricDataQuery): TAlarmMetricQuery {
  const stat = q.MetricStat;
  return {
    id: q.Id ?? "",
    label: q.Label ?? null,
    returnData: q.ReturnData ?? true,
    expression: q.Expression ?? null,
    metricStat:
      stat?.Metric?.MetricName && stat.Metric.Namespace
        ? {
            namespace: stat.Metric.Namespace,
            metricName: stat.Metric.MetricName,
            dimensions: (stat.Metric.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
            period: stat.Period ?? 60,
            stat: stat.Stat ?? "Average",
            unit: stat.Unit ?? null,
          }
        : null,
    accountId: q.AccountId ?? null,
  };
}

const EMPTY_DEFINITION: TAlarmDefinition = {
  period: null,
  statistic: null,
  unit: null,
  evaluationPeriods: null,
  datapointsToAlarm: null,
  treatMissingData: null,
  metrics: [],
  thresholdMetricId: null,
  alarmRule: null,
};

/** Null for an alarm that cannot be stored (no ARN, name, state or state time). */
export function toMetricAlarmRecord(alarm: MetricAlarm): TAlarmRecord | null {
  const state = toAlarmState(alarm.StateValue);
  if (!alarm.AlarmArn || !alarm.AlarmName || !state || !alarm.StateUpdatedTimestamp) return null;
  return {
    arn: alarm.AlarmArn,
    name: alarm.AlarmName,
    type: "METRIC",
    description: alarm.AlarmDescription ?? null,
    state,
    stateReason: alarm.StateReason ?? null,
    // Since when it is in this state: StateUpdatedTimestamp also moves when only the reason changes.
    stateUpdatedAt: alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp,
    configUpdatedAt: alarm.AlarmConfigurationUpdatedTimestamp ?? null,
    namespace: alarm.Namespace ?? null,
    metricName: alarm.MetricName ?? null,
    dimensions: (alarm.Dimensions ?? []).map((d) => ({ name: d.Name ?? "", value: d.Value ?? "" })),
    threshold: alarm.Threshold ?? null,
    comparison: alarm.ComparisonOperator ?? null,
    definition: {
      ...EMPTY_DEFINITION,
      period: alarm.Period ?? null,
      statistic: alarm.ExtendedStatistic ?? alarm.Statistic ?? null,
      unit: alarm.Unit ?? null,
      evaluationPeriods: alarm.EvaluationPeriods ?? null,
      datapointsToAlarm: alarm.DatapointsToAlarm ?? null,
      treatMissingData: alarm.TreatMissingData ?? null,
      metrics: (alarm.Metrics ?? []).map(toMetricQuery),
      thresholdMetricId: alarm.ThresholdMetricId ?? null,
    },
  };
}

export function toCompositeAlarmRecord(alarm: CompositeAlarm): TAlarmRecord | null {
  const state = toAlarmState(alarm.StateValue);
  if (!alarm.AlarmArn || !alarm.AlarmName || !state || !alarm.StateUpdatedTimestamp) return null;
  return {
    arn: alarm.AlarmArn,
    name: alarm.AlarmName,
    type: "COMPOSITE",
    description: alarm.AlarmDescription ?? null,
    state,
    stateReason: alarm.StateReason ?? null,
    // Since when it is in this state: StateUpdatedTimestamp also moves when only the reason changes.
    stateUpdatedAt: alarm.StateTransitionedTimestamp ?? alarm.StateUpdatedTimestamp,
    configUpdatedAt: alarm.AlarmConfigurationUpdatedTimestamp ?? null,
    namespace: null,
    metricName: null,
    dimensions: [],
    threshold: null,
    comparison: null,
    definition: { ...EMPTY_DEFINITION, alarmRule: alarm.AlarmRule ?? null },
  };
}

/** Every metric and composite alarm in the client's account and region (DescribeAlarms, all pages). */
export async function listAllAlarms(client: CloudWatchClient): Promise<TAlarmRecord[]> {
  const alarms: TAlarmRecord[] = [];
  const pages = paginateDescribeAlarms({ client, pageSize: DESCRIBE_PAGE }, { AlarmTypes: ["MetricAlarm", "CompositeAlarm"] });
  await awsOperation("DescribeAlarms", async () => {
    for await (const page of pages) {
      for (const alarm of page.MetricAlarms ?? []) {
        const record = toMetricAlarmRecord(alarm);
        if (record) alarms.push(record);
        else log.warn({ alarm: alarm.AlarmName }, "skipping a metric alarm that cannot be stored");
      }
      for (const alarm of page.CompositeAlarms ?? []) {
        const record = toCompositeAlarmRecord(alarm);
        if (record) alarms.push(record);
        else log.warn({ alarm: alarm.AlarmName }, "skipping a composite alarm that cannot be stored");
      }
    }
  });
  return alarms;
}

/** HistoryData of a StateUpdate: {"oldState": {"stateValue", "stateReason"}, "newState": {…}}. */
export function toTransitionRecord(item: AlarmHistoryItem): TAlarmTransitionRecord | null {
  if (item.HistoryItemType !== "StateUpdate" || !item.AlarmName || !item.Timestamp || !item.HistoryData) return null;
  let data: unknown;
  try {
    data = JSON.parse(item.HistoryData);
  } catch {
    return null;
  }
  const states = data as { oldState?: { stateValue?: unknown }; newState?: { stateValue?: unknown; stateReason?: unknown } };
  const toState = toAlarmState(states.newState?.stateValue);
  if (!toState) return null;
  return {
    alarmName: item.AlarmName,
    fromState: toAlarmState(states.oldState?.stateValue),
    toState,
    reason: typeof states.newState?.stateReason === "string" ? states.newState.stateReason : null,
    at: item.Timestamp,
  };
}

export interface TListHistoryOptions {
  /** Entries at or after this time; all that CloudWatch keeps (30 days) when null. */
  since: Date | null;
  until?: Date;
}

/**
 * StateUpdate history of every metric and composite alarm of the region
 * (one listing for the region, not one per alarm), oldest first.
 */
export async function listStateHistory(client: CloudWatchClient, { since, until }: TListHistoryOptions): Promise<TAlarmTransitionRecord[]> {
  const transitions: TAlarmTransitionRecord[] = [];
  const pages = paginateDescribeAlarmHistory(
    { client, pageSize: DESCRIBE_PAGE },
    {
      HistoryItemType: "StateUpdate",
      AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
      ScanBy: "TimestampAscending",
      ...(since ? { StartDate: since } : {}),
      ...(until ? { EndDate: until } : {}),
    },
  );
  await awsOperation("DescribeAlarmHistory", async () => {
    for await (const page of pages) {
      for (const item of page.AlarmHistoryItems ?? []) {
        const record = toTransitionRecord(item);
        if (record) transitions.push(record);
      }
    }
  });
  return transitions.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** An alarm's tags (ListTagsForResource). */
export async function getAlarmTags(client: CloudWatchClient, arn: string): Promise<Record<string, string>> {
  const output = await awsOperation("ListTagsForResource", () => client.send(new ListTagsForResourceCommand({ ResourceARN: arn })));
  const tags: Record<string, string> = {};
  for (const tag of output.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
  return tags;
}

/** A query for GetMetricData, in our terms. */
export type TMetricQuery = TAlarmMetricQuery;

export interface TMetricSeries {
  id: string;
  label: string | null;
  /** Oldest first. */
  points: { at: Date; value: number }[];
  /** "Complete", or "PartialData" when CloudWatch stopped at its limit. */
  status: string;
  messages: string[];
}

function toSdkQuery(q: TMetricQuery): MetricDataQuery {
  return {
    Id: q.id,
    ReturnData: q.returnData,
    ...(q.label ? { Label: q.label } : {}),
    ...(q.accountId ? { AccountId: q.accountId } : {}),
    ...(q.expression
      ? { Expression: q.expression }
      : q.metricStat
        ? {
            MetricStat: {
              Metric: {
                Namespace: q.metricStat.namespace,
                MetricName: q.metricStat.metricName,
                Dimensions: q.metricStat.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
              },
              Period: q.metricStat.period,
              Stat: q.metricStat.stat,
              ...(q.metricStat.unit ? { Unit: q.metricStat.unit as NonNullable<MetricDataQuery["MetricStat"]>["Unit"] } : {}),
            },
          }
        : {}),
  };
}

export interface TGetMetricDataOptions {
  /** At most MAX_QUERIES_PER_CALL (the caller batches; see metric-data.ts). */
  queries: readonly TMetricQuery[];
  start: Date;
  end: Date;
  /** Awaited before every call, pages included: the rate limit. */
  beforeCall?: () => Promise<void>;
}

/** One batch of queries, every page of it (GetMetricData with NextToken), merged per query id. */
export async function getMetricData(client: CloudWatchClient, { queries, start, end, beforeCall }: TGetMetricDataOptions): Promise<TMetricSeries[]> {
  if (queries.length > MAX_QUERIES_PER_CALL) throw new RangeError(`GetMetricData takes at most ${MAX_QUERIES_PER_CALL} queries, not ${queries.length}`);
  const series = new Map<string, TMetricSeries>();
  let nextToken: string | undefined;
  do {
    await beforeCall?.();
    const output = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries.map(toSdkQuery),
        StartTime: start,
        EndTime: end,
        ScanBy: "TimestampAscending",
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const result of output.MetricDataResults ?? []) {
      if (!result.Id) continue;
      const entry = series.get(result.Id) ?? { id: result.Id, label: result.Label ?? null, points: [], status: "Complete", messages: [] };
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      for (let i = 0; i < timestamps.length && i < values.length; i++) entry.points.push({ at: timestamps[i]!, value: values[i]! });
      if (result.StatusCode && result.StatusCode !== "Complete") entry.status = result.StatusCode;
      for (const m of result.Messages ?? []) if (m.Value) entry.messages.push(m.Value);
      series.set(result.Id, entry);
    }
    nextToken = output.NextToken;
  } while (nextToken);
  for (const s of series.values()) s.points.sort((a, b) => a.at.getTime() - b.at.getTime());
  return [...series.values()];
}
