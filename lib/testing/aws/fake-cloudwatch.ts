/**
 * For tests and benchmarks: SDK-typed CloudWatch data, and an in-memory
 * CloudWatch behind aws-sdk-client-mock that pages like the real API
 * (DescribeAlarms and DescribeAlarmHistory by 100 with NextToken, history
 * filtered by StartDate/EndDate and item type, tags per ARN, GetMetricData
 * refusing more than 500 queries).
 */
import {
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  type AlarmHistoryItem,
  type CloudWatchClient,
  type CompositeAlarm,
  type DescribeAlarmHistoryOutput,
  type DescribeAlarmsOutput,
  type GetMetricDataOutput,
  type ListTagsForResourceOutput,
  type MetricAlarm,
  type MetricDataResult,
  type StateValue,
} from "@aws-sdk/client-cloudwatch";
import type { AwsClientStub } from "aws-sdk-client-mock";

export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";
const T0 = Date.parse("2026-11-02T10:00:00Z");

/** A time `minutes` after a fixed origin. */
export function at(minutes: number): Date {
  return new Date(T0 + minutes * 60_000);
}

export function alarmArn(name: string, region = REGION, accountId = ACCOUNT_ID): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

export function metricAlarm(name: string, state: StateValue, extra: Partial<MetricAlarm> = {}): MetricAlarm {
  return {
    AlarmName: name,
    AlarmArn: alarmArn(name),
    AlarmDescription: `${name} is too high`,
    AlarmConfigurationUpdatedTimestamp: at(-1000),
    ActionsEnabled: true,
    StateValue: state,
    StateReason: state === "ALARM" ? "Threshold Crossed: 1 datapoint [93.0] was greater than the threshold (80.0)." : "Threshold Crossed: no datapoints were greater than the threshold (80.0).",
    StateUpdatedTimestamp: at(0),
    MetricName: "CPUUtilization",
    Namespace: "AWS/ECS",
    Statistic: "Average",
    Dimensions: [{ Name: "ServiceName", Value: name }, { Name: "ClusterName", Value: "prod" }],
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 80,
    ComparisonOperator: "GreaterThanThreshold",
    TreatMissingData: "missing",
    ...extra,
  } satisfies MetricAlarm;
}

export function compositeAlarm(name: string, state: StateValue, rule: string, extra: Partial<CompositeAlarm> = {}): CompositeAlarm {
  return {
    AlarmName: name,
    AlarmArn: alarmArn(name),
    AlarmRule: rule,
    AlarmConfigurationUpdatedTimestamp: at(-1000),
    ActionsEnabled: true,
    StateValue: state,
    StateReason: "arn:aws:cloudwatch:… transitioned to ALARM",
    StateUpdatedTimestamp: at(0),
    ...extra,
  } satisfies CompositeAlarm;
}

export function stateUpdate(name: string, from: StateValue, to: StateValue, minute: number, type: "MetricAlarm" | "CompositeAlarm" = "MetricAlarm"): AlarmHistoryItem {
  return {
    AlarmName: name,
    AlarmType: type,
    Timestamp: at(minute),
    HistoryItemType: "StateUpdate",
    HistorySummary: `Alarm updated from ${from} to ${to}`,
    HistoryData: JSON.stringify({
      version: "1.0",
      oldState: { stateValue: from, stateReason: `was ${from}` },
      newState: { stateValue: to, stateReason: `Threshold Crossed: went ${to} at minute ${minute}`, stateReasonData: { version: "1.0", queryDate: at(minute).toISOString() } },
    }),
  } satisfies AlarmHistoryItem;
}

export interface TFakeCloudWatch {
  metricAlarms: MetricAlarm[];
  compositeAlarms?: CompositeAlarm[];
  history?: AlarmHistoryItem[];
  /** By alarm ARN. */
  tags?: Record<string, Record<string, string>>;
  /** GetMetricData: the values of every query, one point a minute over the window. */
  metricValue?: (queryId: string, at: Date) => number;
}

const PAGE = 100;

function page<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; next: string | undefined } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

/** Serves the data through the stub; the client must be the one the code under test uses. Returns the data, which tests may change between syncs. */
export function serveFakeCloudWatch(stub: AwsClientStub<CloudWatchClient>, data: TFakeCloudWatch): TFakeCloudWatch {
  stub.on(DescribeAlarmsCommand).callsFake((input: { MaxRecords?: number; NextToken?: string; AlarmTypes?: string[] }): DescribeAlarmsOutput => {
    const types = input.AlarmTypes ?? ["MetricAlarm"];
    // Metric alarms first, then composite ones, as one sequence of pages.
    const all: ({ kind: "metric"; alarm: MetricAlarm } | { kind: "composite"; alarm: CompositeAlarm })[] = [
      ...(types.includes("MetricAlarm") ? data.metricAlarms.map((alarm) => ({ kind: "metric" as const, alarm })) : []),
      ...(types.includes("CompositeAlarm") ? (data.compositeAlarms ?? []).map((alarm) => ({ kind: "composite" as const, alarm })) : []),
    ];
    const { items, next } = page(all, input.NextToken, Math.min(input.MaxRecords ?? PAGE, PAGE));
    return {
      MetricAlarms: items.flatMap((i) => (i.kind === "metric" ? [i.alarm] : [])),
      CompositeAlarms: items.flatMap((i) => (i.kind === "composite" ? [i.alarm] : [])),
      NextToken: next,
    };
  });
  stub.on(DescribeAlarmHistoryCommand).callsFake((input: { MaxRecords?: number; NextToken?: string; StartDate?: Date; EndDate?: Date; HistoryItemType?: string; ScanBy?: string; AlarmName?: string }): DescribeAlarmHistoryOutput => {
    const matching = (data.history ?? [])
      .filter((h) => !input.HistoryItemType || h.HistoryItemType === input.HistoryItemType)
      .filter((h) => !input.AlarmName || h.AlarmName === input.AlarmName)
      .filter((h) => !input.StartDate || h.Timestamp!.getTime() >= input.StartDate.getTime())
      .filter((h) => !input.EndDate || h.Timestamp!.getTime() <= input.EndDate.getTime())
      .sort((a, b) => (input.ScanBy === "TimestampAscending" ? 1 : -1) * (a.Timestamp!.getTime() - b.Timestamp!.getTime()));
    const { items, next } = page(matching, input.NextToken, Math.min(input.MaxRecords ?? PAGE, PAGE));
    return { AlarmHistoryItems: items, NextToken: next };
  });
  stub.on(ListTagsForResourceCommand).callsFake((input: { ResourceARN?: string }): ListTagsForResourceOutput => {
    const tags = data.tags?.[input.ResourceARN ?? ""] ?? {};
    return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
  });
  stub.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: { Id?: string; ReturnData?: boolean }[]; StartTime?: Date; EndTime?: Date }): GetMetricDataOutput => {
    const queries = input.MetricDataQueries ?? [];
    if (queries.length > 500) {
      throw Object.assign(new Error("The collection MetricDataQueries must not have a size greater than 500."), { name: "ValidationError", $fault: "client" });
    }
    const start = input.StartTime!.getTime();
    const end = input.EndTime!.getTime();
    const results: MetricDataResult[] = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const timestamps: Date[] = [];
        for (let t = Math.ceil(start / 60_000) * 60_000; t < end; t += 60_000) timestamps.push(new Date(t));
        return { Id: q.Id, Label: q.Id, Timestamps: timestamps, Values: timestamps.map((t) => data.metricValue?.(q.Id!, t) ?? 1), StatusCode: "Complete" };
      });
    return { MetricDataResults: results };
  });
  return data;
}
