/**
 * What the postmortems API accepts and what its sections are, shared by the
 * API, the OpenAPI document and the browser (no server-only imports here).
 */
import { z } from "zod";
import { SEVERITIES } from "@/lib/incidents/schemas";
import { ZDbId, ZIsoTime, ZLinkUrl, ZSlugNameSchema, ZText, ZTimestamp } from "@/lib/schemas";

export const POSTMORTEM_STATUSES = ["DRAFT", "IN_REVIEW", "APPROVED", "PUBLISHED", "NOT_REQUIRED"] as const;
export type TPostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];
export const POSTMORTEM_STATUS_LABELS: Record<TPostmortemStatus, string> = {
  DRAFT: "Draft",
  IN_REVIEW: "In review",
  APPROVED: "Approved",
  PUBLISHED: "Published",
  NOT_REQUIRED: "Not required",
};

export const ANALYSIS_STYLES = ["CONTRIBUTING_FACTORS", "FIVE_WHYS"] as const;
export type TAnalysisStyle = (typeof ANALYSIS_STYLES)[number];

/** The template, in document order. `analysis` is contributing factors or five whys (the postmortem's choice). */
export const SECTION_KEYS = ["summary", "impact", "leadup", "detection", "response", "analysis", "went_well", "went_badly", "lucky", "open_questions"] as const;
export type TSectionKey = (typeof SECTION_KEYS)[number];

export interface TSectionTemplate {
  title: string;
  /** What to write, shown above the editor. */
  guidance: string;
}

export const SECTION_TEMPLATES: Record<Exclude<TSectionKey, "analysis">, TSectionTemplate> = {
  summary: { title: "Summary", guidance: "Two or three sentences: what happened, to whom, for how long, and how it ended." },
  impact: {
    title: "Impact",
    guidance: "The window, the services and the customers affected, in numbers: requests failed, orders lost, people paged, SLO budget spent.",
  },
  leadup: { title: "Leadup and trigger", guidance: "The changes and conditions that set the stage, and the event that set it off." },
  detection: {
    title: "Detection",
    guidance: "How we found out and how long it took (time to detect is measured below). What would have halved it: an alarm, a lower threshold, a canary?",
  },
  response: { title: "Response and recovery", guidance: "What the responders did, in order, and what brought the service back." },
  went_well: { title: "What went well", guidance: "Tools, habits and decisions that helped; keep doing them." },
  went_badly: { title: "What went badly", guidance: "Where the system, the tooling or the process made the response harder." },
  lucky: { title: "Where we got lucky", guidance: "What limited the damage by chance rather than by design: these are hidden risks." },
  open_questions: { title: "Open questions", guidance: "What we still do not know, and who will find out." },
};

export const ANALYSIS_TEMPLATES: Record<TAnalysisStyle, TSectionTemplate> = {
  CONTRIBUTING_FACTORS: {
    title: "Contributing factors",
    guidance:
      "The conditions that together made this possible: technical, process, organisational. Complex failures have several; there is rarely one root cause. Describe systems and decisions, not people: ask what made the action reasonable at the time.",
  },
  FIVE_WHYS: {
    title: "Five whys",
    guidance:
      "Ask why the problem happened, then why that happened, five times over. Every answer is about the system (a missing check, a confusing default), never \"someone made a mistake\": if an answer names a person, ask why the system let the mistake through.",
  },
};

export function sectionTemplate(key: TSectionKey, analysis: TAnalysisStyle): TSectionTemplate {
  return key === "analysis" ? ANALYSIS_TEMPLATES[analysis] : SECTION_TEMPLATES[key];
}

export const ACTION_ITEM_TYPES = ["DETECT", "MITIGATE", "PREVENT", "REPAIR"] as const;
export type TActionItemType = (typeof ACTION_ITEM_TYPES)[number];
export const ACTION_ITEM_TYPE_LABELS: Record<TActionItemType, string> = { DETECT: "Detect", MITIGATE: "Mitigate", PREVENT: "Prevent", REPAIR: "Repair" };
export const ACTION_ITEM_PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type TActionItemPriority = (typeof ACTION_ITEM_PRIORITIES)[number];
export const ACTION_ITEM_PRIORITY_LABELS: Record<TActionItemPriority, string> = { P1: "P1 · urgent", P2: "P2 · high", P3: "P3 · normal", P4: "P4 · low" };
export const ACTION_ITEM_STATUSES = ["OPEN", "IN_PROGRESS", "DONE", "WONT_DO"] as const;
export type TActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];
export const ACTION_ITEM_STATUS_LABELS: Record<TActionItemStatus, string> = { OPEN: "Open", IN_PROGRESS: "In progress", DONE: "Done", WONT_DO: "Won't do" };
/** Days from creation to the default due date, by priority. */
export const DUE_DAYS_BY_PRIORITY: Record<TActionItemPriority, number> = { P1: 7, P2: 30, P3: 60, P4: 90 };

/** The default due date of an action item created at `now` (a date, midnight UTC). */
export function defaultDueAt(priority: TActionItemPriority, now: Date): Date {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(day + DUE_DAYS_BY_PRIORITY[priority] * 86_400_000);
}

export const TIMELINE_SOURCES = ["deployment", "pipeline", "stage", "approval", "alarm", "servicemap", "incident", "audit", "manual"] as const;
export type TTimelineSource = (typeof TIMELINE_SOURCES)[number];

export const MAX_SECTION_CHARS = 50_000;
const MAX_MARGIN_MINUTES = 7 * 24 * 60;

const ZTitle = ZText.trim().min(1, "is required").max(200);
const ZComment = ZText.trim().min(1, "is required").max(10_000);

/** POST /api/postmortems: from an incident (title defaults to the incident's), or stand-alone for a team. */
export const ZPostmortemCreateSchema = z
  .object({
    incidentId: ZDbId.optional(),
    teamId: ZDbId.optional(),
    serviceId: ZDbId.optional(),
    title: ZTitle.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.incidentId === undefined && body.teamId === undefined && body.serviceId === undefined) {
      ctx.addIssue({ code: "custom", message: "give incidentId, or a teamId or serviceId for a stand-alone postmortem" });
    }
    if (body.incidentId === undefined && body.title === undefined) ctx.addIssue({ code: "custom", path: ["title"], message: "is required for a stand-alone postmortem" });
  });
export type TPostmortemCreate = z.infer<typeof ZPostmortemCreateSchema>;

/** PATCH /api/postmortems/{id}: the header, naming the version it edited. */
export const ZPostmortemPatchSchema = z
  .object({
    version: z.number().int().min(1),
    title: ZTitle.optional(),
    analysis: z.enum(ANALYSIS_STYLES).optional(),
    marginBeforeMinutes: z.number().int().min(0).max(MAX_MARGIN_MINUTES).optional(),
    marginAfterMinutes: z.number().int().min(0).max(MAX_MARGIN_MINUTES).optional(),
    impactStartedAt: ZTimestamp.nullable().optional(),
    mitigatedAt: ZTimestamp.nullable().optional(),
  })
  .strict();
export type TPostmortemPatch = z.infer<typeof ZPostmortemPatchSchema>;

/** PUT /api/postmortems/{id}/sections/{key}: the new text and the version it was written on (0 for a section never saved). */
export const ZSectionSaveSchema = z.object({ baseVersion: z.number().int().min(0), body: ZText.max(MAX_SECTION_CHARS) }).strict();
export type TSectionSave = z.infer<typeof ZSectionSaveSchema>;

export const POSTMORTEM_ACTIONS = ["submit", "withdraw", "request_changes", "approve", "publish", "not_required", "reopen"] as const;
export type TPostmortemAction = (typeof POSTMORTEM_ACTIONS)[number];

/** POST /api/postmortems/{id}/transitions. */
export const ZTransitionSchema = z
  .object({
    action: z.enum(POSTMORTEM_ACTIONS),
    version: z.number().int().min(1),
    comment: ZComment.optional(),
    reason: ZText.trim().min(1, "is required").max(2_000).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.action === "request_changes" && !body.comment) ctx.addIssue({ code: "custom", path: ["comment"], message: "is required: say what should change" });
    if (body.action === "not_required" && !body.reason) ctx.addIssue({ code: "custom", path: ["reason"], message: "is required: say why no postmortem is needed" });
  });
export type TTransition = z.infer<typeof ZTransitionSchema>;

export const ZCommentCreateSchema = z.object({ body: ZComment, sectionKey: z.enum(SECTION_KEYS).nullable().optional() }).strict();
export type TCommentCreate = z.infer<typeof ZCommentCreateSchema>;

/** POST /api/postmortems/{id}/timeline: an entry added by hand. */
export const ZTimelineEntryCreateSchema = z
  .object({ at: ZTimestamp, text: ZText.trim().min(1, "is required").max(2_000), portalUrl: ZLinkUrl.nullable().optional(), isStarred: z.boolean().optional() })
  .strict();
export type TTimelineEntryCreate = z.infer<typeof ZTimelineEntryCreateSchema>;

/** PATCH /api/postmortems/{id}/timeline/{entryId}: star, hide, reword (machine entries keep their original), move. */
export const ZTimelineEntryPatchSchema = z
  .object({
    isStarred: z.boolean().optional(),
    isHidden: z.boolean().optional(),
    text: ZText.trim().min(1, "is required").max(2_000).optional(),
    at: ZTimestamp.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "give at least one of isStarred, isHidden, text, at" });
export type TTimelineEntryPatch = z.infer<typeof ZTimelineEntryPatchSchema>;

/** POST /api/postmortems/{id}/timeline/redraft: draft again from the evidence, optionally with a new margin. */
export const ZRedraftSchema = z
  .object({
    marginBeforeMinutes: z.number().int().min(0).max(MAX_MARGIN_MINUTES).optional(),
    marginAfterMinutes: z.number().int().min(0).max(MAX_MARGIN_MINUTES).optional(),
  })
  .strict();
export type TRedraft = z.infer<typeof ZRedraftSchema>;

const ZDueDate = z.iso.date({ message: "must be a date (YYYY-MM-DD)" });

export const ZActionItemCreateSchema = z
  .object({
    title: ZTitle,
    ownerId: ZDbId.nullable().optional(),
    type: z.enum(ACTION_ITEM_TYPES).optional(),
    priority: z.enum(ACTION_ITEM_PRIORITIES).optional(),
    dueDate: ZDueDate.nullable().optional(),
    ticketUrl: ZLinkUrl.nullable().optional(),
  })
  .strict();
export type TActionItemCreate = z.infer<typeof ZActionItemCreateSchema>;

export const ZActionItemPatchSchema = z
  .object({
    version: z.number().int().min(1),
    title: ZTitle.optional(),
    ownerId: ZDbId.nullable().optional(),
    type: z.enum(ACTION_ITEM_TYPES).optional(),
    priority: z.enum(ACTION_ITEM_PRIORITIES).optional(),
    dueDate: ZDueDate.nullable().optional(),
    status: z.enum(ACTION_ITEM_STATUSES).optional(),
    statusReason: ZText.trim().max(2_000).nullable().optional(),
    ticketUrl: ZLinkUrl.nullable().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.status === "WONT_DO" && !p.statusReason) ctx.addIssue({ code: "custom", path: ["statusReason"], message: "is required: say why it will not be done" });
  });
export type TActionItemPatch = z.infer<typeof ZActionItemPatchSchema>;

/** PUT /api/postmortem-rules: the organisation's severities (teamId null) or a team's; null severities removes a team's own rule. */
export const ZPostmortemRuleSchema = z
  .object({ teamId: ZDbId.nullable(), severities: z.array(z.enum(SEVERITIES)).max(SEVERITIES.length).nullable() })
  .strict()
  .superRefine((r, ctx) => {
    if (r.teamId === null && r.severities === null) ctx.addIssue({ code: "custom", path: ["severities"], message: "the organisation's rule cannot be removed; give an empty list to require none" });
  });
export type TPostmortemRule = z.infer<typeof ZPostmortemRuleSchema>;

/** GET /api/postmortems filters. */
export const ZPostmortemQuerySchema = z
  .object({
    q: ZText.trim().max(200).optional(),
    team: z.string().trim().max(100).optional(),
    service: z.string().trim().max(100).optional(),
    severity: z.enum(SEVERITIES).optional(),
    status: z.enum(POSTMORTEM_STATUSES).optional(),
    from: ZDueDate.optional(),
    to: ZDueDate.optional(),
    page: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type TPostmortemQuery = z.infer<typeof ZPostmortemQuerySchema>;

/** GET /api/action-items filters. */
export const ZActionItemQuerySchema = z
  .object({
    team: z.string().trim().max(100).optional(),
    owner: z.union([z.literal("me"), z.coerce.number().int().min(1)]).optional(),
    status: z.enum([...ACTION_ITEM_STATUSES, "active"]).optional(),
    priority: z.enum(ACTION_ITEM_PRIORITIES).optional(),
    overdue: z.enum(["true", "false"]).optional(),
    page: z.coerce.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type TActionItemQuery = z.infer<typeof ZActionItemQuerySchema>;

/** An action item is overdue once its due day (a date, midnight UTC) has ended and it is still open or in progress. */
export function isActionItemOverdue(item: { dueAt: Date | null; status: TActionItemStatus }, now: Date): boolean {
  return item.dueAt !== null && (item.status === "OPEN" || item.status === "IN_PROGRESS") && item.dueAt.getTime() + 86_400_000 <= now.getTime();
}

// ───────────────────────── responses ─────────────────────────
// What the routes answer (view.ts, server/find-*.ts and the use cases' results), for the OpenAPI document;
// lib/openapi.test.ts holds the schemas' types to view.ts's interfaces.

const ZPersonRef = z.object({ id: z.int(), name: z.string() });
const ZTeamRef = z.object({ id: z.int(), slug: z.string(), name: z.string() });
const ZIsoDay = z.iso.date();

/** GET /api/postmortems/{id}, and PATCH's answer (view.ts TPostmortemView). */
export const ZPostmortemResponseSchema = z.object({
  id: z.int(),
  title: z.string(),
  status: z.enum(POSTMORTEM_STATUSES),
  notRequiredReason: z.string().nullable(),
  analysis: z.enum(ANALYSIS_STYLES),
  marginBeforeMinutes: z.int(),
  marginAfterMinutes: z.int(),
  version: z.int().describe("Every change to its text, timeline or state bumps it; header saves and transitions name it."),
  team: ZTeamRef,
  service: ZTeamRef.nullable(),
  incident: z
    .object({
      id: z.int(),
      title: z.string(),
      severity: z.enum(SEVERITIES),
      status: z.string(),
      openedAt: ZIsoTime,
      acknowledgedAt: ZIsoTime.nullable(),
      resolvedAt: ZIsoTime.nullable(),
      deployment: z.object({ id: z.int(), version: z.string().nullable(), serviceSlug: z.string() }).nullable(),
    })
    .nullable(),
  author: ZPersonRef.nullable().describe("null: drafted by Portside when its incident resolved."),
  authors: z.array(ZPersonRef).describe("Everyone who wrote part of it (none of them may approve it)."),
  approvedBy: ZPersonRef.nullable(),
  approvedAt: ZIsoTime.nullable(),
  publishedAt: ZIsoTime.nullable(),
  createdAt: ZIsoTime,
  updatedAt: ZIsoTime,
  timelineDraftedAt: ZIsoTime.nullable(),
  impactStartedAt: ZIsoTime.nullable(),
  mitigatedAt: ZIsoTime.nullable(),
  sections: z.array(
    z.object({
      key: z.enum(SECTION_KEYS),
      title: z.string(),
      guidance: z.string(),
      body: z.string(),
      version: z.int().describe("0: never saved."),
      updatedBy: ZPersonRef.nullable(),
      updatedAt: ZIsoTime.nullable(),
    }),
  ),
  timeline: z.array(
    z.object({
      id: z.int(),
      at: ZIsoTime,
      source: z.string(),
      kind: z.string(),
      text: z.string(),
      originalText: z.string().nullable().describe("What the machine wrote when a person reworded it."),
      isManual: z.boolean(),
      portalUrl: z.string().nullable(),
      consoleUrl: z.string().nullable(),
      isSuspect: z.boolean(),
      isStarred: z.boolean(),
      isHidden: z.boolean(),
      editedBy: ZPersonRef.nullable(),
    }),
  ),
  milestones: z.array(
    z.object({ key: z.enum(["impactStarted", "detected", "acknowledged", "mitigated", "resolved"]), label: z.string(), at: ZIsoTime.nullable(), basis: z.string() }),
  ),
  durations: z.array(z.object({ key: z.enum(["timeToDetect", "timeToAcknowledge", "timeToMitigate", "timeToRecover"]), label: z.string(), ms: z.number().nullable() })),
  milestoneProblems: z.array(z.string()).describe("Durations left out because a milestone set by hand puts their ends in the wrong order, in words."),
  comments: z.array(
    z.object({
      id: z.int(),
      sectionKey: z.enum(SECTION_KEYS).nullable(),
      kind: z.enum(["COMMENT", "CHANGES_REQUESTED", "APPROVAL"]),
      body: z.string(),
      author: ZPersonRef.nullable(),
      createdAt: ZIsoTime,
    }),
  ),
  actionItems: z.array(
    z.object({
      id: z.int(),
      title: z.string(),
      owner: ZPersonRef.nullable(),
      type: z.enum(ACTION_ITEM_TYPES),
      priority: z.enum(ACTION_ITEM_PRIORITIES),
      dueDate: ZIsoDay.nullable(),
      status: z.enum(ACTION_ITEM_STATUSES),
      statusReason: z.string().nullable(),
      ticketUrl: z.string().nullable(),
      completedAt: ZIsoTime.nullable(),
      version: z.int(),
      isOverdue: z.boolean(),
    }),
  ),
  members: z.array(ZPersonRef).describe("The team's people, for action item owners."),
  viewer: z.object({ userId: z.int().nullable(), mayWrite: z.boolean(), mayReview: z.boolean(), isEditable: z.boolean(), actions: z.array(z.enum(POSTMORTEM_ACTIONS)) }),
});

const ZPostmortemTeamAndService = { team: ZSlugNameSchema, service: ZSlugNameSchema.nullable() };

/** GET /api/postmortems (server/find-postmortems.ts TPostmortemsPage). */
export const ZPostmortemsPageResponseSchema = z.object({
  rows: z.array(
    z.object({
      id: z.int(),
      title: z.string(),
      status: z.enum(POSTMORTEM_STATUSES),
      ...ZPostmortemTeamAndService,
      incident: z.object({ id: z.int(), severity: z.enum(SEVERITIES), openedAt: ZIsoTime, resolvedAt: ZIsoTime.nullable() }).nullable(),
      authorName: z.string().nullable(),
      updatedAt: ZIsoTime,
      publishedAt: ZIsoTime.nullable(),
      openActionItems: z.int(),
      snippet: z
        .object({ text: z.string(), matches: z.array(z.tuple([z.int(), z.int()])).describe("[start, end) ranges of `text` that matched.") })
        .nullable()
        .describe("Where the words searched for appear; null without a search."),
    }),
  ),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
  attention: z
    .object({
      rows: z.array(z.object({ id: z.int(), title: z.string(), status: z.enum(POSTMORTEM_STATUSES), ...ZPostmortemTeamAndService, reason: z.enum(["review", "stale"]), since: ZIsoTime })),
      total: z.int(),
    })
    .nullable()
    .describe("Postmortems waiting for someone (in review, or drafts nobody changed for a week); null without a signed-in viewer."),
});

/** GET /api/action-items (server/find-action-items.ts TActionItemsPage). */
export const ZActionItemsPageResponseSchema = z.object({
  rows: z.array(
    z.object({
      id: z.int(),
      title: z.string(),
      postmortem: z.object({ id: z.int(), title: z.string(), status: z.enum(POSTMORTEM_STATUSES) }),
      team: ZSlugNameSchema,
      owner: ZPersonRef.nullable(),
      type: z.enum(ACTION_ITEM_TYPES),
      priority: z.enum(ACTION_ITEM_PRIORITIES),
      dueAt: ZIsoTime.nullable(),
      status: z.enum(ACTION_ITEM_STATUSES),
      completedAt: ZIsoTime.nullable(),
      ticketUrl: z.string().nullable(),
      isOverdue: z.boolean().describe("Due before now and still open or in progress."),
    }),
  ),
  total: z.int(),
  overdue: z.int().describe("How many of the matching items are overdue."),
  page: z.int(),
  pageSize: z.int(),
});

/** POST /api/postmortems. */
export const ZPostmortemCreatedResponseSchema = z.object({ id: z.int(), url: z.string().describe("The postmortem's page in the portal.") });
/** GET /api/postmortems/{id}/sections/{key}: newest first. */
export const ZSectionRevisionsResponseSchema = z.object({ revisions: z.array(z.object({ version: z.int(), body: z.string(), at: ZIsoTime, author: ZPersonRef.nullable() })) });
/** PUT /api/postmortems/{id}/sections/{key}. */
export const ZSectionSavedResponseSchema = z.object({ version: z.int(), documentVersion: z.int(), isChanged: z.boolean() });
/** POST /api/postmortems/{id}/transitions. */
export const ZTransitionedResponseSchema = z.object({ status: z.enum(POSTMORTEM_STATUSES), version: z.int() });
/** POST /api/postmortems/{id}/comments and POST /api/postmortems/{id}/action-items. */
export const ZCreatedIdResponseSchema = z.object({ id: z.int() });
/** POST /api/postmortems/{id}/timeline. */
export const ZTimelineEntryAddedResponseSchema = z.object({ id: z.int(), documentVersion: z.int() });
/** PATCH and DELETE /api/postmortems/{id}/timeline/{entryId}. */
export const ZDocumentVersionResponseSchema = z.object({ documentVersion: z.int() });
/** POST /api/postmortems/{id}/timeline/redraft. */
export const ZRedraftedResponseSchema = z.object({ entries: z.int().describe("Entries in the drafted timeline.") });
/** PATCH /api/action-items/{id}. */
export const ZActionItemUpdatedResponseSchema = z.object({ version: z.int() });
/** GET and PUT /api/postmortem-rules (server/postmortem-rules.ts TRuleRow): the organisation's rule (team null) first. */
export const ZPostmortemRulesResponseSchema = z.object({
  rules: z.array(z.object({ team: ZTeamRef.nullable(), severities: z.array(z.enum(SEVERITIES)) })),
});
