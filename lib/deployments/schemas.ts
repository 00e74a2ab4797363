import { z } from "zod";
import { ZHttpUrl, ZText, ZTimestamp } from "@/lib/schemas";
import { batchOutcomeSchema, singleOrBatchSchema, ZBatchItemOutcomeSchema } from "@/lib/single-or-batch";

export const MAX_BATCH = 1000;
export const MAX_COMMITS = 500;
/** Clock skew we tolerate for timestamps "from the future". */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

const PRODUCTION_ALIASES = new Set(["prod", "prd", "production", "live"]);

/** prod/prd/live/production all mean production: DORA counts production only. */
export function normaliseEnvironment(raw: string): string {
  const value = raw.trim().toLowerCase();
  return PRODUCTION_ALIASES.has(value) ? "production" : value;
}


export const ZCommitSchema = z.object({
  sha: z.string().regex(/^[0-9a-f]{7,64}$/i, "must be a commit sha (7–64 hex characters)"),
  authoredAt: ZTimestamp.optional(),
  committedAt: ZTimestamp.optional(),
  message: ZText.max(2000).optional(),
  url: ZHttpUrl.optional(),
});

export const DEPLOYMENT_STATUSES = ["succeeded", "failed", "rolled_back", "in_progress"] as const;

export const ZDeploymentInputSchema = z
  .object({
    service: ZText.min(1).max(200).describe("slug of a catalog service"),
    environment: ZText.trim().min(1).max(64).transform(normaliseEnvironment),
    status: z.enum(DEPLOYMENT_STATUSES),
    startedAt: ZTimestamp,
    finishedAt: ZTimestamp.optional(),
    version: ZText.max(200).optional(),
    commits: z.array(ZCommitSchema).max(MAX_COMMITS).default([]),
    planned: z.boolean().default(true),
    fixesIncident: ZText.min(1).max(300).optional(),
    source: ZText.trim().min(1).max(100),
    externalId: ZText.trim().min(1).max(300),
    url: ZHttpUrl.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const now = Date.now() + FUTURE_SKEW_MS;
    const started = Date.parse(d.startedAt);
    if (started > now) ctx.addIssue({ code: "custom", path: ["startedAt"], message: "is in the future" });
    if (d.status === "in_progress") {
      if (d.finishedAt) ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "must be absent while in_progress" });
    } else if (!d.finishedAt) {
      ctx.addIssue({ code: "custom", path: ["finishedAt"], message: `is required when status is ${d.status}` });
    } else {
      const finished = Date.parse(d.finishedAt);
      if (finished < started) ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "is before startedAt" });
      if (finished > now) ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "is in the future" });
    }
    const seen = new Map<string, number>();
    d.commits.forEach((c, i) => {
      const key = c.sha.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["commits", i, "sha"], message: `repeats commits.${first}.sha` });
      } else seen.set(key, i);
      const at = c.committedAt ?? c.authoredAt;
      if (at && Date.parse(at) > now) {
        ctx.addIssue({ code: "custom", path: ["commits", i, c.committedAt ? "committedAt" : "authoredAt"], message: "is in the future" });
      }
    });
  });

export type TDeploymentInput = z.infer<typeof ZDeploymentInputSchema>;

/** One deployment, or `{ deployments: [...] }` with up to 1,000. */
export const ZDeploymentIngestSchema = singleOrBatchSchema("deployments", ZDeploymentInputSchema, { max: MAX_BATCH, noun: "deployment" }).transform(({ isBatch, items }) => ({ isBatch, deployments: items }));

export type TDeploymentIngest = z.infer<typeof ZDeploymentIngestSchema>;

// ───────────────────────── responses ─────────────────────────

/** POST /api/deployments: 201 when at least one was created, else 200 (lib/deployments/server/ingest-deployments.ts TIngestOutcome). */
export const ZDeploymentIngestResponseSchema = batchOutcomeSchema("deployments", ZBatchItemOutcomeSchema);
