/**
 * What the postmortems API accepts and what its sections are, shared by the
 * API, the OpenAPI document and the browser (no server-only imports here).
 */
import { z } from "zod";
import { SEVERITIES } from "@/lib/incidents/schemas";
import { ZDbId, ZLinkUrl, ZText, ZTimestamp } from "@/lib/schemas";

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
