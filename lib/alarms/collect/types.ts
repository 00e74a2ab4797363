/**
 * The alarm collector's own shapes: what it hands over to be stored and what
 * it reads back. No SDK type appears here. Enum values match the Prisma
 * enums (AlarmState, AlarmType, Severity); JSON-bound parts carry plain
 * values.
 */

/** Prisma's AlarmState. */
export type TAlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";
export type TAlarmType = "METRIC" | "COMPOSITE";
/** Prisma's Severity. */
export type TSeverity = "SEV1" | "SEV2" | "SEV3" | "SEV4";

export const ALARM_STATES: readonly TAlarmState[] = ["OK", "ALARM", "INSUFFICIENT_DATA"];

/** One metric of an alarm: a metric and statistic, or a metric math expression over others. */
export interface TAlarmMetricQuery {
  id: string;
  label: string | null;
  returnData: boolean;
  expression: string | null;
  metricStat: {
    namespace: string;
    metricName: string;
    dimensions: { name: string; value: string }[];
    period: number;
    stat: string;
    unit: string | null;
  } | null;
  /** Cross-account metrics name their account. */
  accountId: string | null;
}

/** Alarm.definition: what is needed to chart the alarm's metric, and the composite rule. */
export interface TAlarmDefinition {
  /** The period in seconds of a single-metric alarm. */
  period: number | null;
  /** Statistic or extended statistic (p99) of a single-metric alarm. */
  statistic: string | null;
  unit: string | null;
  evaluationPeriods: number | null;
  datapointsToAlarm: number | null;
  treatMissingData: string | null;
  /** Metric math alarms: the queries, the alarm's own is the one returning data. */
  metrics: TAlarmMetricQuery[];
  /** Anomaly detection alarms compare to a band, not a number. */
  thresholdMetricId: string | null;
  /** Composite alarms: the rule over other alarms. */
  alarmRule: string | null;
}

/** One alarm as DescribeAlarms reports it, reshaped. */
export interface TAlarmRecord {
  arn: string;
  name: string;
  type: TAlarmType;
  description: string | null;
  state: TAlarmState;
  stateReason: string | null;
  stateUpdatedAt: Date;
  /** AlarmConfigurationUpdatedTimestamp: when this changes, its tags are read again. */
  configUpdatedAt: Date | null;
  namespace: string | null;
  metricName: string | null;
  dimensions: { name: string; value: string }[];
  threshold: number | null;
  comparison: string | null;
  definition: TAlarmDefinition;
}

/** One StateUpdate entry of DescribeAlarmHistory. */
export interface TAlarmTransitionRecord {
  alarmName: string;
  fromState: TAlarmState | null;
  toState: TAlarmState;
  reason: string | null;
  at: Date;
}

/** What the caller read from storage for one alarm, so that tags are read only when needed. */
export interface TStoredAlarm {
  arn: string;
  configUpdatedAt: Date | null;
  tags: Record<string, string>;
}
