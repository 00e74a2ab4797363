/**
 * What the alarms API answers (app/api/alarms), for the OpenAPI document. Safe
 * on client and server; the filters and the TypeScript shapes are in alarm-board.ts.
 */
import { z } from "zod";
import { BOARD_STATES, METRIC_WINDOWS, type TMetricWindow } from "@/lib/alarms/alarm-board";
import { SEVERITIES } from "@/lib/incidents/schemas";
import { ZIsoTime, ZSlugNameSchema } from "@/lib/schemas";

/** GET /api/alarms (TAlarmBoardPage). */
export const ZAlarmBoardResponseSchema = z.object({
  alarms: z.array(
    z.object({
      id: z.int(),
      name: z.string(),
      type: z.enum(["METRIC", "COMPOSITE"]),
      state: z.enum(BOARD_STATES),
      stateReason: z.string().nullable(),
      since: ZIsoTime.describe("When it entered its state."),
      severity: z.enum(SEVERITIES).nullable(),
      condition: z.string().nullable().describe('"AWS/ECS CPUUtilization > 80", the composite rule, or "metric math".'),
      region: z.string(),
      account: z.object({ accountId: z.string(), name: z.string() }),
      service: ZSlugNameSchema.nullable(),
      team: ZSlugNameSchema.nullable(),
      consoleUrl: z.string(),
    }),
  ),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
  counts: z.object({ alarm: z.int(), insufficient_data: z.int(), ok: z.int() }).describe("Totals by state for the other filters."),
  dataAsOf: ZIsoTime.nullable().describe("The newest time any shown alarm was read from AWS (sync or event)."),
  generatedAt: ZIsoTime,
});

/** GET /api/alarms/{id}/metrics (TAlarmMetrics). */
export const ZAlarmMetricsResponseSchema = z.object({
  window: z.enum(Object.keys(METRIC_WINDOWS) as [TMetricWindow, ...TMetricWindow[]]),
  start: ZIsoTime,
  end: ZIsoTime,
  period: z.int().describe("Seconds per point."),
  points: z.array(z.object({ at: ZIsoTime, value: z.number() })).nullable().describe("null when the alarm has no metric to chart (a composite alarm)."),
  label: z.string().nullable(),
  threshold: z.number().nullable(),
  deployments: z.array(z.object({ id: z.int(), at: ZIsoTime, version: z.string().nullable(), status: z.string() })).describe("The service's production deployments that finished in the window."),
  status: z.string().describe('"Complete", "PartialData", or why there is nothing to chart.'),
  fetchedAt: ZIsoTime,
});
