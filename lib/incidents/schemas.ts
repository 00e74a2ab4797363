/**
 * What the incidents API accepts, shared by the API, the OpenAPI document and
 * the browser (no server-only imports here).
 */
import { z } from "zod";
import { ZDbId, ZIsoTime, ZSlugNameSchema, ZText, ZTimestamp } from "@/lib/schemas";
import { batchOutcomeSchema, singleOrBatchSchema, ZBatchItemOutcomeSchema } from "@/lib/single-or-batch";

export const MAX_INCIDENT_BATCH = 100;
export const INCIDENTS_PAGE_SIZE = 50;
/** Clock skew we tolerate for timestamps "from the future" (as for deployments). */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type TSeverity = (typeof SEVERITIES)[number];
export const INCIDENT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type TIncidentStatus = (typeof INCIDENT_STATUSES)[number];


/**
 * A deployment named explicitly: by Portside's id, or by the source and
 * external id it was ingested with.
 */
export const ZDeploymentRefSchema = z
  .object({
    id: ZDbId.optional(),
    source: ZText.trim().min(1).max(100).optional(),
    externalId: ZText.trim().min(1).max(300).optional(),
  })
  .strict()
  .superRefine((ref, ctx) => {
    const byKey = ref.source !== undefined || ref.externalId !== undefined;
    if (ref.id !== undefined && byKey) ctx.addIssue({ code: "custom", message: "give either id, or source and externalId, not both" });
    else if (ref.id === undefined && !byKey) ctx.addIssue({ code: "custom", message: "give id, or source and externalId" });
    else if (byKey && ref.source === undefined) ctx.addIssue({ code: "custom", path: ["source"], message: "is required with externalId" });
    else if (byKey && ref.externalId === undefined) ctx.addIssue({ code: "custom", path: ["externalId"], message: "is required with source" });
  });
export type TDeploymentRef = z.infer<typeof ZDeploymentRefSchema>;

/** A valid timestamp's epoch milliseconds; null when absent or not a timestamp (its own issue says so). */
function timeOf(value: unknown): number | null {
  return typeof value === "string" && ZTimestamp.safeParse(value).success ? Date.parse(value) : null;
}

/** One incident as an incident tool reports it; posted again as it changes. */
export const ZIncidentInputSchema = z
  .object({
    service: ZText.min(1).max(200).describe("slug of a catalog service"),
    title: ZText.trim().min(1).max(500),
    severity: z.enum(SEVERITIES),
    status: z.enum(INCIDENT_STATUSES).optional().describe("checked against the times given; the stored status follows from the times"),
    openedAt: ZTimestamp,
    acknowledgedAt: ZTimestamp.optional(),
    resolvedAt: ZTimestamp.optional(),
    source: ZText.trim().min(1).max(100),
    externalId: ZText.trim().min(1).max(300),
    causedByChange: z.boolean().optional().describe("false: not caused by a change (left out of recovery time); absent: unchanged"),
    deployment: ZDeploymentRefSchema.nullable()
      .optional()
      .describe("explicit attribution, which wins over the rule; null: explicitly no deployment; absent: the rule decides (or an earlier explicit link stands)"),
    description: ZText.max(10_000).optional(),
  })
  .strict()
  .superRefine(
    (i, ctx) => {
      const now = Date.now() + FUTURE_SKEW_MS;
      const opened = timeOf(i.openedAt) ?? Number.NaN;
      const acknowledged = timeOf(i.acknowledgedAt);
      const resolved = timeOf(i.resolvedAt);
      if (opened > now) ctx.addIssue({ code: "custom", path: ["openedAt"], message: "is in the future" });
      if (acknowledged !== null) {
        if (acknowledged < opened) ctx.addIssue({ code: "custom", path: ["acknowledgedAt"], message: "is before openedAt" });
        if (acknowledged > now) ctx.addIssue({ code: "custom", path: ["acknowledgedAt"], message: "is in the future" });
      }
      if (resolved !== null) {
        if (resolved < opened) ctx.addIssue({ code: "custom", path: ["resolvedAt"], message: "is before openedAt" });
        else if (acknowledged !== null && resolved < acknowledged) ctx.addIssue({ code: "custom", path: ["resolvedAt"], message: "is before acknowledgedAt" });
        if (resolved > now) ctx.addIssue({ code: "custom", path: ["resolvedAt"], message: "is in the future" });
      }
      if (i.status === "resolved" && resolved === null) ctx.addIssue({ code: "custom", path: ["resolvedAt"], message: "is required when status is resolved" });
      if (i.status === "acknowledged" && acknowledged === null) ctx.addIssue({ code: "custom", path: ["acknowledgedAt"], message: "is required when status is acknowledged" });
      if ((i.status === "open" || i.status === "acknowledged") && resolved !== null) {
        ctx.addIssue({ code: "custom", path: ["resolvedAt"], message: `must be absent when status is ${i.status}` });
      }
    },
    // Also when other fields are wrong, so that one answer lists every problem.
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
export type TIncidentInput = z.infer<typeof ZIncidentInputSchema>;

/** One incident, or `{ incidents: [...] }` with up to 100; every problem of every item is reported. */
export const ZIncidentIngestSchema = singleOrBatchSchema("incidents", ZIncidentInputSchema, { max: MAX_INCIDENT_BATCH, noun: "incident" }).transform(({ isBatch, items }) => ({ isBatch, incidents: items }));

/**
 * What a person changes on an incident. `deployment`: a deployment (explicit
 * attribution), null (explicitly none), or "rule" to hand it back to the rule.
 */
export const ZIncidentPatchSchema = z
  .object({
    acknowledgedAt: ZTimestamp.optional(),
    resolvedAt: ZTimestamp.nullable().optional().describe("null reopens the incident"),
    deployment: z
      .union([z.literal("rule"), ZDeploymentRefSchema], {
        error: (issue) =>
          issue.input === undefined ? undefined : 'must be {"id": …}, {"source": …, "externalId": …}, null (no deployment) or "rule"',
      })
      .nullable()
      .optional(),
    causedByChange: z.boolean().nullable().optional().describe("null: not known"),
    severity: z.enum(SEVERITIES).optional(),
    title: ZText.trim().min(1).max(500).optional(),
    description: ZText.max(10_000).nullable().optional(),
  })
  .strict()
  .superRefine(
    (p, ctx) => {
      if (Object.values(p).every((v) => v === undefined)) {
        ctx.addIssue({ code: "custom", message: "change at least one of acknowledgedAt, resolvedAt, deployment, causedByChange, severity, title, description" });
      }
      const now = Date.now() + FUTURE_SKEW_MS;
      for (const key of ["acknowledgedAt", "resolvedAt"] as const) {
        const at = timeOf(p[key]);
        if (at !== null && at > now) ctx.addIssue({ code: "custom", path: [key], message: "is in the future" });
      }
      const acknowledged = timeOf(p.acknowledgedAt);
      const resolved = timeOf(p.resolvedAt);
      if (acknowledged !== null && resolved !== null && resolved < acknowledged) {
        ctx.addIssue({ code: "custom", path: ["resolvedAt"], message: "is before acknowledgedAt" });
      }
    },
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  );
export type TIncidentPatch = z.infer<typeof ZIncidentPatchSchema>;

const ZOptionalText = ZText.trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

/** The list's filters. `unresolved` is open or acknowledged. */
export const ZIncidentFiltersSchema = z
  .object({
    team: ZOptionalText.describe("a team's slug; includes the teams nested under it"),
    service: ZOptionalText.describe("a service's slug"),
    status: z
      .enum([...INCIDENT_STATUSES, "unresolved"])
      .optional()
      .or(z.literal("").transform(() => undefined)),
    severity: z
      .enum(SEVERITIES)
      .optional()
      .or(z.literal("").transform(() => undefined)),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
  });
export type TIncidentFilters = z.infer<typeof ZIncidentFiltersSchema>;

// ───────────────────────── responses ─────────────────────────

const ZAttributionSource = z.enum(["explicit", "rule"]).nullable();

/** POST /api/incidents: 201 when at least one was created, else 200 (lib/incidents/server/record-incidents.ts TRecordOutcome). */
export const ZIncidentRecordResponseSchema = batchOutcomeSchema(
  "incidents",
  ZBatchItemOutcomeSchema.extend({
    status: z.enum(INCIDENT_STATUSES),
    deploymentId: z.int().nullable().describe("The deployment it is attributed to."),
    attribution: ZAttributionSource,
  }),
);

/** One incident in a list (lib/incidents/server/incident-view.ts TIncidentSummary). */
export const ZIncidentSummarySchema = z.object({
  id: z.int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  openedAt: ZIsoTime,
  acknowledgedAt: ZIsoTime.nullable(),
  resolvedAt: ZIsoTime.nullable(),
  durationSeconds: z.number().nullable().describe("From opened to resolved; null while unresolved."),
  service: ZSlugNameSchema,
  team: ZSlugNameSchema,
  source: z.string(),
  externalId: z.string(),
  causedByChange: z.boolean().nullable().describe("null: not known; false: not caused by a change (left out of recovery time)."),
  attribution: z.object({
    source: ZAttributionSource.describe("explicit: linked through the API or by a person; rule: the window rule; null: none."),
    deployment: z
      .object({
        id: z.int(),
        version: z.string().nullable(),
        status: z.enum(["in_progress", "succeeded", "failed", "rolled_back"]),
        finishedAt: ZIsoTime.nullable(),
        source: z.string(),
        externalId: z.string(),
        url: z.string().nullable(),
      })
      .nullable(),
  }),
});

/** GET /api/incidents (TIncidentsPage). */
export const ZIncidentsPageResponseSchema = z.object({ incidents: z.array(ZIncidentSummarySchema), total: z.int(), page: z.int(), pageSize: z.int() });

/** GET /api/incidents/{id} (lib/incidents/server/get-incident.ts TIncidentDetail). */
export const ZIncidentDetailResponseSchema = ZIncidentSummarySchema.extend({
  description: z.string().nullable(),
  timeline: z
    .array(
      z.object({
        at: ZIsoTime,
        kind: z.enum(["opened", "acknowledged", "resolved", "reopened", "attributed", "severity", "cause"]),
        message: z.string(),
        actor: z.string().nullable().describe("Who made the change: a person's email or an API token's name."),
        data: z.unknown().describe("What the entry is about, as data (the previous severity, the deployment), or null."),
      }),
    )
    .describe("Oldest first."),
  // The postmortems' statuses live in lib/postmortems/schemas.ts, which imports this file: named here, not imported.
  postmortem: z
    .object({ id: z.int(), status: z.string().describe("DRAFT, IN_REVIEW, APPROVED, PUBLISHED or NOT_REQUIRED.") })
    .nullable()
    .describe("Its postmortem (drafted by the rules when it resolves, or started by hand), or null."),
});

/** PATCH /api/incidents/{id}: the incident after the change. */
export const ZIncidentPatchedResponseSchema = ZIncidentDetailResponseSchema.extend({ changed: z.boolean().describe("false: nothing differed from what was stored.") });
