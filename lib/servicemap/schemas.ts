/**
 * The service map's query parameters and what the API returns. Safe on client and server.
 */
import { z } from "zod";
import { ZIsoTime, ZSlugNameSchema, ZText, ZTimestamp } from "@/lib/schemas";
import { MAX_WINDOW_MS, WINDOW_PRESETS } from "@/lib/servicemap/window";

export const ZWindowPresetSchema = z.enum(Object.keys(WINDOW_PRESETS) as [keyof typeof WINDOW_PRESETS, ...(keyof typeof WINDOW_PRESETS)[]]);

const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);
/** A datetime-local input sends 2026-11-02T10:00 (no zone): read it as UTC, as the page says. */
const localToUtc = (v: unknown) => (v === "" ? undefined : typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : v);

export const ZServiceMapQuerySchema = z
  .object({
    window: z.preprocess(blankToUndefined, z.union([ZWindowPresetSchema, z.literal("custom")]).default("1h")),
    from: z.preprocess(localToUtc, ZTimestamp.optional()),
    to: z.preprocess(localToUtc, ZTimestamp.optional()),
    team: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9-]+$/).max(100).optional()),
    service: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9-]+$/).max(100).optional()),
    group: z.preprocess(blankToUndefined, ZText.min(1).max(32).default("Default")),
  })
  .superRefine((q, ctx) => {
    if (q.window !== "custom") return;
    if (!q.from || !q.to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "a custom window needs from and to" });
      return;
    }
    const length = Date.parse(q.to) - Date.parse(q.from);
    if (length <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    if (length > MAX_WINDOW_MS) ctx.addIssue({ code: "custom", path: ["to"], message: "a window is at most 30 days" });
  });
export type TServiceMapQuery = z.infer<typeof ZServiceMapQuerySchema>;

export type THealth = "ok" | "error" | "fault" | "throttle" | "idle";

export interface TMapStats {
  requests: number;
  perMinute: number;
  errors: number;
  faults: number;
  throttles: number;
  errorRate: number;
  faultRate: number;
  throttleRate: number;
  /** Mean response time, ms; null without requests. */
  meanMs: number | null;
}

export interface TMapNode extends TMapStats {
  id: number;
  name: string;
  type: string;
  accountId: string;
  region: string;
  p50Ms: number | null;
  p95Ms: number | null;
  health: THealth;
  service: { slug: string; name: string } | null;
  team: { slug: string; name: string } | null;
  /** Shown because it calls or is called by the filtered team's nodes, not because it is the team's. */
  isContext: boolean;
}

export interface TMapEdge extends TMapStats {
  id: number;
  source: number;
  target: number;
  health: THealth;
}

export interface TServiceMap {
  window: { from: string; to: string; minutes: number };
  group: string;
  groups: string[];
  nodes: TMapNode[];
  edges: TMapEdge[];
}

/** The query string of a map view (window, group, team, service), as the page URL and the API take it. */
export function mapQueryString(q: TServiceMapQuery): string {
  const p = new URLSearchParams({ window: q.window, group: q.group });
  if (q.window === "custom" && q.from && q.to) {
    p.set("from", q.from);
    p.set("to", q.to);
  }
  if (q.team) p.set("team", q.team);
  if (q.service) p.set("service", q.service);
  return p.toString();
}

// ───────────────────────── responses, as zod (for the OpenAPI document) ─────────────────────────
// The same shapes as the interfaces above and in server/get-node-details.ts and server/get-trace.ts;
// lib/openapi.test.ts holds each schema's type to its interface.

const ZHealth = z.enum(["ok", "error", "fault", "throttle", "idle"]);

const mapStats = {
  requests: z.number(),
  perMinute: z.number(),
  errors: z.number(),
  faults: z.number(),
  throttles: z.number(),
  errorRate: z.number(),
  faultRate: z.number(),
  throttleRate: z.number(),
  meanMs: z.number().nullable().describe("Mean response time, ms; null without requests."),
};

/** GET /api/servicemap (TServiceMap). */
export const ZServiceMapResponseSchema = z.object({
  window: z.object({ from: ZIsoTime, to: ZIsoTime, minutes: z.number() }).describe("The window actually read, rounded out to 5 minutes (to hours where only rolled-up hours are left)."),
  group: z.string(),
  groups: z.array(z.string()),
  nodes: z.array(
    z.object({
      ...mapStats,
      id: z.int(),
      name: z.string(),
      type: z.string(),
      accountId: z.string(),
      region: z.string(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      health: ZHealth,
      service: ZSlugNameSchema.nullable(),
      team: ZSlugNameSchema.nullable(),
      isContext: z.boolean().describe("Shown because it calls or is called by the filtered nodes, not because it is theirs."),
    }),
  ),
  edges: z.array(z.object({ ...mapStats, id: z.int(), source: z.int(), target: z.int(), health: ZHealth })),
});

/** GET /api/servicemap/nodes/{id} (TNodeDetails). */
export const ZServiceMapNodeResponseSchema = z.object({
  node: z.object({
    id: z.int(),
    name: z.string(),
    type: z.string(),
    region: z.string(),
    accountId: z.string(),
    service: z.object({ slug: z.string(), name: z.string(), team: ZSlugNameSchema }).nullable(),
  }),
  series: z
    .array(z.object({ at: ZIsoTime, requests: z.number(), errors: z.number(), faults: z.number(), throttles: z.number(), meanMs: z.number().nullable() }))
    .describe("Per bucket over the window: hourly for windows over 6 hours (or where only hours are left), else 5-minute."),
  seriesStepSeconds: z.int(),
  alarms: z.array(z.object({ id: z.int(), name: z.string(), state: z.string(), severity: z.string().nullable(), stateUpdatedAt: ZIsoTime })),
  openIncidents: z.array(z.object({ id: z.int(), title: z.string(), severity: z.string(), status: z.string(), openedAt: ZIsoTime })),
  deployments: z.array(z.object({ id: z.int(), environment: z.string(), status: z.string(), version: z.string().nullable(), startedAt: ZIsoTime, finishedAt: ZIsoTime.nullable() })),
  traces: z.array(
    z.object({
      traceId: z.string(),
      startedAt: ZIsoTime,
      durationMs: z.number(),
      reason: z.string().nullable(),
      httpStatus: z.int().nullable(),
      httpMethod: z.string().nullable(),
      httpUrl: z.string().nullable(),
    }),
  ),
});

/** What a trace and each of its spans say about the outcome: the X-Ray flags and the HTTP request. */
const TRACE_OUTCOME_FIELDS = {
  hasFault: z.boolean(),
  hasError: z.boolean(),
  hasThrottle: z.boolean(),
  httpMethod: z.string().nullable(),
  httpUrl: z.string().nullable(),
  httpStatus: z.int().nullable(),
};

/** GET /api/traces/{id} (TTraceDetail). */
export const ZTraceResponseSchema = z.object({
  traceId: z.string(),
  accountId: z.string(),
  region: z.string(),
  status: z
    .enum(["ok", "transaction-search", "expired"])
    .describe("ok: the segments are here; transaction-search: the account sends spans to CloudWatch Logs, which BatchGetTraces cannot read; expired: X-Ray keeps traces 30 days."),
  summary: z.object({
    startedAt: ZIsoTime,
    durationMs: z.number(),
    ...TRACE_OUTCOME_FIELDS,
    reason: z.string().nullable(),
    entryPoint: z.string().nullable(),
    service: ZSlugNameSchema.nullable(),
  }),
  spans: z.array(
    z.object({
      id: z.string(),
      parentId: z.string().nullable(),
      depth: z.int(),
      name: z.string(),
      kind: z.enum(["segment", "subsegment"]),
      origin: z.string().nullable().describe("X-Ray origin (AWS::ECS::Container…) or subsegment namespace (aws, remote)."),
      startOffsetMs: z.number(),
      durationMs: z.number().nullable(),
      isInProgress: z.boolean(),
      ...TRACE_OUTCOME_FIELDS,
      annotations: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      cause: z.string().nullable().describe("The first exception's message, when it recorded one."),
    }),
  ),
  isTruncated: z.boolean(),
  fetchedAt: ZIsoTime,
});
