/**
 * The DORA API's query schemas and response types: safe on client and
 * server (no server imports), so the dashboards share them with the routes.
 */
import { z } from "zod";
import { BANDS, BAND_YEARS, DEFAULT_BAND_YEAR, type TBand, type TBandYear } from "@/lib/dora/bands";
import { ZIsoTime, ZSlugNameSchema, ZText } from "@/lib/schemas";

export const METRIC_KEYS = ["deploymentFrequency", "leadTime", "changeFailRate", "recoveryTime", "reworkRate"] as const;
export type TMetricKey = (typeof METRIC_KEYS)[number];

export const WINDOW_PRESETS = [7, 30, 90, 180, 365] as const;
export const DEFAULT_WINDOW_DAYS = 90;
export const DEFAULT_MIN_SAMPLES = 10;
export const MAX_WINDOW_DAYS = 3 * 366;
export const DEFAULT_ENVIRONMENT = "production";

const ZIsoDate = z.iso.date({ message: "must be a date, YYYY-MM-DD" });
const ZSlug = ZText.trim().min(1).max(200);

/** Scope and window, shared by every DORA query. `team` includes the teams nested under it. */
const scopeAndWindow = {
  team: ZSlug.optional().describe("team slug; the team and every team nested under it"),
  service: ZSlug.optional().describe("service slug"),
  window: z.coerce
    .number()
    .int("must be a whole number of days")
    .refine((n) => (WINDOW_PRESETS as readonly number[]).includes(n), { message: `must be one of ${WINDOW_PRESETS.join(", ")}` })
    .optional()
    .describe(`days ending today (default ${DEFAULT_WINDOW_DAYS}); or give from and to`),
  from: ZIsoDate.optional().describe("first day, inclusive (UTC)"),
  to: ZIsoDate.optional().describe("last day, inclusive (UTC)"),
  environment: ZText.trim().min(1).max(64).default(DEFAULT_ENVIRONMENT),
};

function checkScopeAndWindow(q: { team?: string; service?: string; window?: number; from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (q.team && q.service) ctx.addIssue({ code: "custom", path: ["service"], message: "give team or service, not both" });
  if (q.window !== undefined && (q.from || q.to)) ctx.addIssue({ code: "custom", path: ["window"], message: "give window or from/to, not both" });
  if (Boolean(q.from) !== Boolean(q.to)) ctx.addIssue({ code: "custom", path: [q.from ? "to" : "from"], message: "from and to go together" });
  if (q.from && q.to) {
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["to"], message: "is before from" });
    else if (days > MAX_WINDOW_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: `the window is at most ${MAX_WINDOW_DAYS} days` });
  }
}

const ZBandYear = z.coerce
  .number()
  .int()
  .refine((n): n is TBandYear => (BAND_YEARS as readonly number[]).includes(n), { message: `must be one of ${BAND_YEARS.join(", ")}` })
  .default(DEFAULT_BAND_YEAR)
  .transform((n) => n as TBandYear);

export const ZDoraQuerySchema = z
  .object({
    ...scopeAndWindow,
    bands: ZBandYear.describe("the report year whose band table to use"),
    minSamples: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MIN_SAMPLES).describe("below this sample size a figure is low-confidence and gets no band"),
  })
  .strict()
  .superRefine(checkScopeAndWindow);
export type TDoraQuery = z.infer<typeof ZDoraQuerySchema>;

export const ZDoraTrendQuerySchema = z
  .object({
    team: scopeAndWindow.team,
    service: scopeAndWindow.service,
    environment: scopeAndWindow.environment,
    bucket: z.enum(["week", "month"]).default("week"),
    count: z.coerce.number().int().min(1).max(104).default(12).describe("how many buckets, the current one last"),
    bands: ZBandYear,
    minSamples: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MIN_SAMPLES),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.team && q.service) ctx.addIssue({ code: "custom", path: ["service"], message: "give team or service, not both" });
    if (q.bucket === "month" && q.count > 36) ctx.addIssue({ code: "custom", path: ["count"], message: "at most 36 months" });
  });
export type TDoraTrendQuery = z.infer<typeof ZDoraTrendQuerySchema>;

export const ROWS_PAGE_SIZE = 50;
export const ZDoraRowsQuerySchema = z
  .object({
    ...scopeAndWindow,
    metric: z.enum(METRIC_KEYS),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(ROWS_PAGE_SIZE),
  })
  .strict()
  .superRefine(checkScopeAndWindow);
export type TDoraRowsQuery = z.infer<typeof ZDoraRowsQuerySchema>;

// ───────────────────────── responses ─────────────────────────

export interface TWindowRange {
  /** First day, inclusive (UTC, YYYY-MM-DD). */
  from: string;
  /** Last day, inclusive. */
  to: string;
  days: number;
}

/** What every figure carries. `value` null means no data (never shown as 0). */
export interface TFigure {
  value: number | null;
  unit: "deployments/day" | "seconds" | "ratio";
  sampleSize: number;
  /** Fewer samples than minSamples: shown as low confidence, and no band. */
  isLowSample: boolean;
  band: TBand | null;
  bandYear: TBandYear;
}

export interface TFrequencyFigure extends TFigure {
  unit: "deployments/day";
  deployments: number;
  perWeek: number | null;
  deploymentDays: number;
  /** Median over the window's full 7-day periods of the days with a deployment: the figure the band uses. */
  medianDeploymentDaysPerWeek: number | null;
}

export interface TLeadTimeFigure extends TFigure {
  unit: "seconds";
  /** Same as value. */
  median: number | null;
  p90: number | null;
  /** Commits first brought to production whose time is unknown (left out of the figure). */
  unknownCommits: number;
  /** Succeeded deployments with at least one commit of known time, over succeeded deployments. */
  coverage: { known: number; deployments: number; ratio: number | null };
}

export interface TRatioFigure extends TFigure {
  unit: "ratio";
  numerator: number;
  deployments: number;
}

export interface TRecoveryFigure extends TFigure {
  unit: "seconds";
  median: number | null;
  p90: number | null;
  /** Failures not recovered yet (left out until they are). */
  unrecovered: number;
}

export interface TDoraMetrics {
  window: TWindowRange;
  deploymentFrequency: TFrequencyFigure;
  leadTime: TLeadTimeFigure;
  changeFailRate: TRatioFigure;
  recoveryTime: TRecoveryFigure;
  reworkRate: TRatioFigure;
}

export interface TDoraScope {
  kind: "org" | "team" | "service";
  slug: string | null;
  name: string;
}

/** How a figure was computed: exact counts; percentiles exact (service) or from 2% log buckets (≤1% error). */
export interface TDoraMethod {
  percentiles: "exact" | "histogram";
  note: string;
}

export interface TDoraSummary {
  scope: TDoraScope;
  environment: string;
  bandYear: TBandYear;
  minSamples: number;
  current: TDoraMetrics;
  previous: TDoraMetrics;
  method: TDoraMethod;
  generatedAt: string;
}

export interface TDoraTrend {
  scope: TDoraScope;
  environment: string;
  bucket: "week" | "month";
  bandYear: TBandYear;
  minSamples: number;
  points: TDoraMetrics[];
  method: TDoraMethod;
  generatedAt: string;
}

export interface TDoraRowIncident {
  id: number;
  title: string;
  openedAt: string;
  resolvedAt: string | null;
  causedByChange: boolean | null;
  attributionSource: "EXPLICIT" | "RULE" | null;
  /** Who linked it by hand (the actor of its latest attribution), when it was linked by hand. */
  attributedBy: string | null;
}

export interface TDoraRow {
  deploymentId: number;
  service: { slug: string; name: string };
  team: { slug: string; name: string };
  status: "SUCCEEDED" | "FAILED" | "ROLLED_BACK";
  version: string | null;
  url: string | null;
  startedAt: string;
  finishedAt: string;
  isFailure: boolean;
  isRework: boolean;
  /** Lead times (seconds) of the commits it first brought to production, known ones only. */
  leadTimes: number[];
  unknownCommits: number;
  recoverySeconds: number | null;
  isUnrecovered: boolean;
  incidents: TDoraRowIncident[];
}

export interface TDoraRows {
  metric: TMetricKey;
  window: TWindowRange;
  rows: TDoraRow[];
  total: number;
  page: number;
  pageSize: number;
}

/** One row of the executive roll-up: a team (nested teams included) with its figures now and in the window before. */
export interface TDoraTeamRollup {
  team: { id: number; slug: string; name: string; parentId: number | null; hasChildren: boolean };
  current: TDoraMetrics;
  previous: TDoraMetrics;
}

export interface TDoraRollup {
  environment: string;
  bandYear: TBandYear;
  minSamples: number;
  org: { current: TDoraMetrics; previous: TDoraMetrics };
  teams: TDoraTeamRollup[];
  method: TDoraMethod;
  generatedAt: string;
}

// ───────────────────────── responses, as zod (for the OpenAPI document) ─────────────────────────
// The same shapes as the interfaces above; lib/openapi.test.ts holds each schema's type to its interface.

const ZWindowRange = z.object({ from: ZIsoDate.describe("First day, inclusive (UTC)."), to: ZIsoDate.describe("Last day, inclusive."), days: z.int() });

const figure = {
  value: z.number().nullable().describe("null: no data (never shown as 0)."),
  sampleSize: z.int(),
  isLowSample: z.boolean().describe("Fewer samples than minSamples: low confidence, and no band."),
  band: z.enum(BANDS).nullable(),
  bandYear: z.literal(BAND_YEARS),
};

const ZDoraMetrics = z.object({
  window: ZWindowRange,
  deploymentFrequency: z.object({
    ...figure,
    unit: z.literal("deployments/day"),
    deployments: z.int(),
    perWeek: z.number().nullable(),
    deploymentDays: z.int(),
    medianDeploymentDaysPerWeek: z.number().nullable().describe("Median over the window's full 7-day periods of the days with a deployment: the figure the band uses."),
  }),
  leadTime: z.object({
    ...figure,
    unit: z.literal("seconds"),
    median: z.number().nullable(),
    p90: z.number().nullable(),
    unknownCommits: z.int().describe("Commits first brought to production whose time is unknown (left out of the figure)."),
    coverage: z.object({ known: z.int(), deployments: z.int(), ratio: z.number().nullable() }),
  }),
  changeFailRate: z.object({ ...figure, unit: z.literal("ratio"), numerator: z.int(), deployments: z.int() }),
  recoveryTime: z.object({ ...figure, unit: z.literal("seconds"), median: z.number().nullable(), p90: z.number().nullable(), unrecovered: z.int() }),
  reworkRate: z.object({ ...figure, unit: z.literal("ratio"), numerator: z.int(), deployments: z.int() }),
});

const ZDoraScope = z.object({ kind: z.enum(["org", "team", "service"]), slug: z.string().nullable(), name: z.string() });
const ZDoraMethod = z.object({ percentiles: z.enum(["exact", "histogram"]), note: z.string() });

/** GET /api/dora (TDoraSummary). */
export const ZDoraSummaryResponseSchema = z.object({
  scope: ZDoraScope,
  environment: z.string(),
  bandYear: figure.bandYear,
  minSamples: z.int(),
  current: ZDoraMetrics,
  previous: ZDoraMetrics.describe("The window of equal length before."),
  method: ZDoraMethod,
  generatedAt: ZIsoTime,
});

/** GET /api/dora/trend (TDoraTrend). */
export const ZDoraTrendResponseSchema = z.object({
  scope: ZDoraScope,
  environment: z.string(),
  bucket: z.enum(["week", "month"]),
  bandYear: figure.bandYear,
  minSamples: z.int(),
  points: z.array(ZDoraMetrics).describe("Oldest first; the current partial bucket last."),
  method: ZDoraMethod,
  generatedAt: ZIsoTime,
});

/** GET /api/dora/rows (TDoraRows). */
export const ZDoraRowsResponseSchema = z.object({
  metric: z.enum(METRIC_KEYS),
  window: ZWindowRange,
  rows: z.array(
    z.object({
      deploymentId: z.int(),
      service: ZSlugNameSchema,
      team: ZSlugNameSchema,
      status: z.enum(["SUCCEEDED", "FAILED", "ROLLED_BACK"]),
      version: z.string().nullable(),
      url: z.string().nullable(),
      startedAt: ZIsoTime,
      finishedAt: ZIsoTime,
      isFailure: z.boolean(),
      isRework: z.boolean(),
      leadTimes: z.array(z.number()).describe("Lead times (seconds) of the commits it first brought to production, known ones only."),
      unknownCommits: z.int(),
      recoverySeconds: z.number().nullable(),
      isUnrecovered: z.boolean(),
      incidents: z.array(
        z.object({
          id: z.int(),
          title: z.string(),
          openedAt: ZIsoTime,
          resolvedAt: ZIsoTime.nullable(),
          causedByChange: z.boolean().nullable(),
          attributionSource: z.enum(["EXPLICIT", "RULE"]).nullable(),
          attributedBy: z.string().nullable().describe("Who linked it by hand, when it was linked by hand."),
        }),
      ),
    }),
  ),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
});
