/**
 * What the postmortem page and GET /api/postmortems/{id} show: one shape for
 * both, safe to import in the browser.
 */
import type { TActionItemPriority, TActionItemStatus, TActionItemType, TAnalysisStyle, TPostmortemAction, TPostmortemStatus, TSectionKey } from "@/lib/postmortems/schemas";
import type { TSeverity } from "@/lib/incidents/schemas";

export interface TPersonRef {
  id: number;
  name: string;
}

export interface TSectionView {
  key: TSectionKey;
  title: string;
  guidance: string;
  body: string;
  /** 0: never saved. A save names the version it was written on. */
  version: number;
  updatedBy: TPersonRef | null;
  updatedAt: string | null;
}

export interface TTimelineEntryView {
  id: number;
  at: string;
  source: string;
  kind: string;
  text: string;
  /** What the machine wrote when a person reworded it; null for entries added by hand or never edited. */
  originalText: string | null;
  isManual: boolean;
  portalUrl: string | null;
  consoleUrl: string | null;
  isSuspect: boolean;
  isStarred: boolean;
  isHidden: boolean;
  editedBy: TPersonRef | null;
}

export interface TMilestoneView {
  key: "impactStarted" | "detected" | "acknowledged" | "mitigated" | "resolved";
  label: string;
  at: string | null;
  basis: string;
}

export interface TDurationView {
  key: "timeToDetect" | "timeToAcknowledge" | "timeToMitigate" | "timeToRecover";
  label: string;
  ms: number | null;
}

export interface TCommentView {
  id: number;
  sectionKey: TSectionKey | null;
  kind: "COMMENT" | "CHANGES_REQUESTED" | "APPROVAL";
  body: string;
  author: TPersonRef | null;
  createdAt: string;
}

export interface TActionItemView {
  id: number;
  title: string;
  owner: TPersonRef | null;
  type: TActionItemType;
  priority: TActionItemPriority;
  /** YYYY-MM-DD. */
  dueDate: string | null;
  status: TActionItemStatus;
  statusReason: string | null;
  ticketUrl: string | null;
  completedAt: string | null;
  version: number;
  isOverdue: boolean;
}

export interface TPostmortemView {
  id: number;
  title: string;
  status: TPostmortemStatus;
  notRequiredReason: string | null;
  analysis: TAnalysisStyle;
  marginBeforeMinutes: number;
  marginAfterMinutes: number;
  /** The document's version: every change to its text, timeline or state bumps it; header saves and transitions name it. */
  version: number;
  team: { id: number; slug: string; name: string };
  service: { id: number; slug: string; name: string } | null;
  incident: {
    id: number;
    title: string;
    severity: TSeverity;
    status: string;
    openedAt: string;
    acknowledgedAt: string | null;
    resolvedAt: string | null;
    deployment: { id: number; version: string | null; serviceSlug: string } | null;
  } | null;
  /** null: drafted by Portside when its incident resolved. */
  author: TPersonRef | null;
  /** Everyone who wrote part of it (cannot approve it). */
  authors: TPersonRef[];
  approvedBy: TPersonRef | null;
  approvedAt: string | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  timelineDraftedAt: string | null;
  impactStartedAt: string | null;
  mitigatedAt: string | null;
  sections: TSectionView[];
  timeline: TTimelineEntryView[];
  milestones: TMilestoneView[];
  durations: TDurationView[];
  /** Durations left out because a milestone set by hand puts their ends in the wrong order, in words. */
  milestoneProblems: string[];
  comments: TCommentView[];
  actionItems: TActionItemView[];
  /** The team's people, for action item owners. */
  members: TPersonRef[];
  viewer: { userId: number | null; mayWrite: boolean; mayReview: boolean; isEditable: boolean; actions: TPostmortemAction[] };
}
