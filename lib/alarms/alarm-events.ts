/**
 * "CloudWatch Alarm State Change" events (source aws.cloudwatch) as
 * EventBridge delivers them (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html):
 * detail.alarmName, detail.state and detail.previousState ({value, reason,
 * timestamp}), detail.configuration (description, metrics, or alarmRule
 * for a composite alarm). State timestamps come as "2026-11-02T10:00:05.123+0000".
 */
import { z } from "zod";
import type { TAlarmMetricQuery, TAlarmState } from "@/lib/alarms/collect/types";

export const CLOUDWATCH_EVENT_SOURCE = "aws.cloudwatch";
export const ALARM_STATE_CHANGE_DETAIL = "CloudWatch Alarm State Change";

/** "…+0000" (CloudWatch) or any ISO 8601 time → a Date; null when it is neither. */
export function parseAlarmTimestamp(text: string): Date | null {
  const iso = text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) return null;
  const ms = Date.parse(iso);
  // Before 1970 is no alarm's time, and year 0000 has no place in PostgreSQL.
  return Number.isNaN(ms) || ms < 0 ? null : new Date(ms);
}

const ZTimestamp = z.string().transform((text, ctx) => {
  const date = parseAlarmTimestamp(text);
  if (!date) {
    ctx.addIssue({ code: "custom", message: "must be a timestamp from 1970 on, e.g. 2026-11-02T10:00:05.123+0000" });
    return z.NEVER;
  }
  return date;
});

const ZState = z.object({ value: z.string().min(1), reason: z.string().max(20_000).optional(), timestamp: ZTimestamp }).passthrough();

const ZMetric = z
  .object({
    id: z.string().min(1).max(255),
    label: z.string().optional(),
    returnData: z.boolean().optional(),
    expression: z.string().optional(),
    metricStat: z
      .object({
        metric: z.object({ namespace: z.string(), name: z.string(), dimensions: z.record(z.string(), z.string()).optional() }).passthrough(),
        period: z.number().int().positive(),
        stat: z.string(),
        unit: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const ZAlarmStateChangeDetailSchema = z
  .object({
    alarmName: z.string().min(1).max(255),
    state: ZState,
    previousState: ZState.partial({ timestamp: true }).optional(),
    configuration: z
      .object({ description: z.string().optional(), metrics: z.array(ZMetric).max(100).optional(), alarmRule: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const STATES = new Set<string>(["OK", "ALARM", "INSUFFICIENT_DATA"]);

export interface TAlarmEvent {
  id: string;
  time: Date;
  accountId: string;
  region: string;
  alarmArn: string;
  alarmName: string;
  state: TAlarmState;
  reason: string | null;
  /** detail.state.timestamp: the order events are applied in. */
  stateAt: Date;
  previousState: TAlarmState | null;
  isComposite: boolean;
  description: string | null;
  metrics: TAlarmMetricQuery[];
}

export function toMetricQueries(metrics: z.infer<typeof ZMetric>[]): TAlarmMetricQuery[] {
  return metrics.map((m) => ({
    id: m.id,
    label: m.label ?? null,
    returnData: m.returnData ?? true,
    expression: m.expression ?? null,
    metricStat: m.metricStat
      ? {
          namespace: m.metricStat.metric.namespace,
          metricName: m.metricStat.metric.name,
          dimensions: Object.entries(m.metricStat.metric.dimensions ?? {}).map(([name, value]) => ({ name, value })),
          period: m.metricStat.period,
          stat: m.metricStat.stat,
          unit: m.metricStat.unit ?? null,
        }
      : null,
    accountId: null,
  }));
}

export type TParsedAlarmEvent =
  | { kind: "alarm"; event: TAlarmEvent }
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; issues: z.core.$ZodIssue[] };

export function alarmArnOf(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${accountId}:alarm:${name}`;
}

/** Reads the detail of an aws.cloudwatch event whose envelope was checked already. */
export function parseAlarmEvent(envelope: { id: string; "detail-type": string; account: string; region: string; time: string; resources: string[]; detail: Record<string, unknown> }): TParsedAlarmEvent {
  if (envelope["detail-type"] !== ALARM_STATE_CHANGE_DETAIL) return { kind: "ignored", reason: `detail-type "${envelope["detail-type"]}" is not applied here` };
  const parsed = ZAlarmStateChangeDetailSchema.safeParse(envelope.detail);
  if (!parsed.success) return { kind: "invalid", issues: parsed.error.issues };
  const detail = parsed.data;
  if (!STATES.has(detail.state.value)) return { kind: "ignored", reason: `state ${detail.state.value} is not known to this version of Portside` };
  const arn = envelope.resources.find((r) => r.startsWith("arn:") && r.includes(":cloudwatch:") && r.includes(":alarm:")) ?? alarmArnOf(envelope.region, envelope.account, detail.alarmName);
  const previous = detail.previousState?.value;
  return {
    kind: "alarm",
    event: {
      id: envelope.id,
      time: new Date(envelope.time),
      accountId: envelope.account,
      region: envelope.region,
      alarmArn: arn,
      alarmName: detail.alarmName,
      state: detail.state.value as TAlarmState,
      reason: detail.state.reason ?? null,
      stateAt: detail.state.timestamp,
      previousState: previous && STATES.has(previous) ? (previous as TAlarmState) : null,
      isComposite: detail.configuration?.alarmRule !== undefined,
      description: detail.configuration?.description ?? null,
      metrics: toMetricQueries(detail.configuration?.metrics ?? []),
    },
  };
}
