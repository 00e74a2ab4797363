/**
 * The pipeline board's shapes and filters, shared by the API, the page and
 * the browser (no server-only imports here).
 */
import { z } from "zod";
import { ZText } from "@/lib/schemas";

export const BOARD_STATUSES = ["failed", "in_progress", "succeeded", "other"] as const;
export type TBoardStatus = (typeof BOARD_STATUSES)[number];

export const BOARD_PAGE_SIZE = 100;

const ZOptionalText = ZText.trim()
  .max(200)
  .optional()
  .transform((v) => v || undefined);

export const ZBoardFiltersSchema = z.object({
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
  status: z
    .enum(BOARD_STATUSES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  q: ZOptionalText,
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type TBoardFilters = z.infer<typeof ZBoardFiltersSchema>;

/** One stage of a pipeline as the board shows it (from Pipeline.state). */
export interface TBoardStage {
  name: string;
  /** CodePipeline's stage status for its latest execution, or null if it never ran. */
  status: string | null;
  executionId: string | null;
  isProduction: boolean;
}

export interface TBoardPipeline {
  id: number;
  name: string;
  region: string;
  account: { accountId: string; name: string };
  service: { slug: string; name: string } | null;
  team: { slug: string; name: string } | null;
  status: TBoardStatus;
  stages: TBoardStage[];
  /** Manual approval actions waiting for an answer. */
  pendingApprovals: { stage: string; action: string }[];
  latest: {
    executionId: string;
    status: string;
    executionType: string;
    trigger: string | null;
    commit: { revisionId: string | null; revisionUrl: string | null; summary: string | null } | null;
    startedAt: string;
    lastUpdatedAt: string;
    durationMs: number;
    failureReason: string | null;
    failedAction: string | null;
  } | null;
  consoleUrl: string;
  stateUpdatedAt: string | null;
}

export interface TBoardPage {
  pipelines: TBoardPipeline[];
  total: number;
  page: number;
  pageSize: number;
  counts: Record<TBoardStatus, number>;
  /** The newest time any shown pipeline's state was read from AWS (sync or event). */
  dataAsOf: string | null;
  generatedAt: string;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** AWS console links (the new CodePipeline console). */
export function consoleUrls(region: string, pipeline: string) {
  const safeRegion = REGION.test(region) ? region : "us-east-1";
  const base = `https://${safeRegion}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(pipeline)}`;
  return {
    pipeline: `${base}/view?region=${safeRegion}`,
    execution: (executionId: string) => `${base}/executions/${encodeURIComponent(executionId)}/timeline?region=${safeRegion}`,
  };
}

/** The query string for a set of filters (only what is set), for links and the API. */
export function boardQuery(filters: Partial<TBoardFilters>): string {
  const params = new URLSearchParams();
  for (const key of ["team", "service", "account", "region", "status", "q"] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (filters.page && filters.page > 1) params.set("page", String(filters.page));
  return params.toString();
}

/** 42 s, 3 min 5 s, 1 h 12 min, 3 d 4 h. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  if (minutes >= 48 * 60) return `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h`;
  if (minutes >= 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

/** An answer to a manual approval (POST /api/pipelines/{id}/approvals). */
export const ZApprovalSchema = z.object({
  stage: ZText.min(1).max(100),
  action: ZText.min(1).max(100),
  decision: z.enum(["Approved", "Rejected"]),
  // PutApprovalResult's summary: up to 512 characters.
  comment: ZText.trim().min(1, "say why (it is kept in CodePipeline and the audit log)").max(512),
});
