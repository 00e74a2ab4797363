/**
 * The alarm board's shapes and filters, shared by the API, the pages and the
 * browser (no server-only imports here).
 */
import { z } from "zod";

export const BOARD_STATES = ["alarm", "insufficient_data", "ok"] as const;
export type TBoardState = (typeof BOARD_STATES)[number];
export const SEVERITY_FILTERS = ["SEV1", "SEV2", "SEV3", "SEV4", "none"] as const;
export const ALARM_PAGE_SIZE = 200;

const ZOptionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .enum(values)
    .optional()
    .or(z.literal("").transform(() => undefined));

export const ZAlarmFiltersSchema = z.object({
  team: ZOptionalText,
  /** A service's slug. */
  service: ZOptionalText,
  account: z
    .string()
    .trim()
    .regex(/^\d{12}$/, "must be a 12-digit account id")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  region: ZOptionalText,
  state: optionalEnum(BOARD_STATES),
  severity: optionalEnum(SEVERITY_FILTERS),
  q: ZOptionalText,
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type TAlarmFilters = z.infer<typeof ZAlarmFiltersSchema>;

export interface TBoardAlarm {
  id: number;
  name: string;
  type: "METRIC" | "COMPOSITE";
  state: TBoardState;
  stateReason: string | null;
  /** When it entered its state. */
  since: string;
  severity: "SEV1" | "SEV2" | "SEV3" | "SEV4" | null;
  /** "AWS/ECS CPUUtilization > 80", or the composite rule, or "metric math". */
  condition: string | null;
  region: string;
  account: { accountId: string; name: string };
  service: { slug: string; name: string } | null;
  team: { slug: string; name: string } | null;
  consoleUrl: string;
}

export interface TAlarmBoardPage {
  alarms: TBoardAlarm[];
  total: number;
  page: number;
  pageSize: number;
  counts: Record<TBoardState, number>;
  /** The newest time any shown alarm was read from AWS (sync or event). */
  dataAsOf: string | null;
  generatedAt: string;
}

export const STATE_LABEL: Record<TBoardState, string> = { alarm: "In alarm", insufficient_data: "Insufficient data", ok: "OK" };
export const STATE_TONE = { alarm: "bad", insufficient_data: "warn", ok: "good" } as const;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** The alarm in the CloudWatch console. */
export function alarmConsoleUrl(region: string, name: string): string {
  const safeRegion = REGION.test(region) ? region : "us-east-1";
  return `https://${safeRegion}.console.aws.amazon.com/cloudwatch/home?region=${safeRegion}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

/** The metric in the console's metrics explorer, when the alarm watches one metric. */
export function metricConsoleUrl(region: string, namespace: string, metricName: string): string {
  const safeRegion = REGION.test(region) ? region : "us-east-1";
  return `https://${safeRegion}.console.aws.amazon.com/cloudwatch/home?region=${safeRegion}#metricsV2?graph=~()&query=~'*7b${encodeURIComponent(namespace)}*7d*20${encodeURIComponent(metricName)}`;
}

const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: "≥",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "≤",
  LessThanLowerOrGreaterThanUpperThreshold: "outside the band",
  LessThanLowerThreshold: "below the band",
  GreaterThanUpperThreshold: "above the band",
};

export function alarmCondition(alarm: { type: string; namespace: string | null; metricName: string | null; comparison: string | null; threshold: number | null; alarmRule: string | null }): string | null {
  if (alarm.type === "COMPOSITE") return alarm.alarmRule;
  const op = alarm.comparison ? (COMPARISON[alarm.comparison] ?? alarm.comparison) : null;
  const metric = alarm.metricName ? `${alarm.namespace ?? ""} ${alarm.metricName}`.trim() : "metric math";
  return [metric, op, op && !op.includes("band") && alarm.threshold !== null ? String(alarm.threshold) : null].filter(Boolean).join(" ");
}

/** The query string for a set of filters (only what is set), for links and the API. */
export function alarmBoardQuery(filters: Partial<TAlarmFilters>): string {
  const params = new URLSearchParams();
  for (const key of ["team", "service", "account", "region", "state", "severity", "q"] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (filters.page && filters.page > 1) params.set("page", String(filters.page));
  return params.toString();
}

/** The windows the alarm page's chart offers. */
export const METRIC_WINDOWS = { "3h": 3, "12h": 12, "24h": 24, "3d": 72, "7d": 168 } as const;
export type TMetricWindow = keyof typeof METRIC_WINDOWS;
export const ZMetricWindowSchema = z.enum(Object.keys(METRIC_WINDOWS) as [TMetricWindow, ...TMetricWindow[]]).default("24h");

/** GET /api/alarms/{id}/metrics. */
export interface TAlarmMetrics {
  window: TMetricWindow;
  start: string;
  end: string;
  /** Seconds per point. */
  period: number;
  /** Null when the alarm has no metric to chart (a composite alarm). */
  points: { at: string; value: number }[] | null;
  label: string | null;
  threshold: number | null;
  /** The service's production deployments that finished in the window. */
  deployments: { id: number; at: string; version: string | null; status: string }[];
  /** "Complete", "PartialData", or why there is nothing to chart. */
  status: string;
  fetchedAt: string;
}
