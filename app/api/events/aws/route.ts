import { z } from "zod";
import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody, zodIssues } from "@/lib/http";
import { applyAwsEvents } from "@/lib/pipelines/server/apply-aws-events";
import { parseAwsEvent, ZAwsEventBatchSchema, ZAwsEventSchema, type TParsedEvent } from "@/lib/pipelines/server/aws-events";

// POST /api/events/aws – apply EventBridge events (CodePipeline and CloudWatch alarm state changes), deduplicated by event id, in any order
export const POST = withAuth(
  async (request, { actor, requestId, ip, requireOrgWide }) => {
    requireOrgWide("AWS events change every team's pipelines: send them with an organisation-wide ingest token.");
    const raw = await parseJsonBody(request, z.unknown());
    // One event as EventBridge sends it, or an array of them: checked apart so that each problem has its own path.
    const isBatch = Array.isArray(raw);
    const body = isBatch ? ZAwsEventBatchSchema.safeParse(raw) : ZAwsEventSchema.safeParse(raw);
    if (!body.success) {
      const issues = zodIssues(body.error);
      throw new AppError("INVALID_INPUT", `The request has ${issues.length} problem(s).`, { details: { issues } });
    }
    const parsed = (Array.isArray(body.data) ? body.data : [body.data]).map(parseAwsEvent);

    // The same shape parseJsonBody gives for the envelope: one path per problem, from the root of the body.
    const issues = parsed.flatMap((p, index) =>
      p.kind === "invalid" ? p.issues.map((i) => ({ path: [...(isBatch ? [index] : []), "detail", ...i.path].map(String).join("."), message: i.message })) : [],
    );
    if (issues.length > 0) throw new AppError("INVALID_INPUT", `The request has ${issues.length} problem(s).`, { details: { issues } });

    const events = parsed.filter((p): p is Exclude<TParsedEvent, { kind: "invalid" }> => p.kind !== "invalid");
    const outcomes = await applyAwsEvents({ events, actor, origin: { requestId, ip }, now: new Date() });
    const count = (result: string) => outcomes.filter((o) => o.result === result).length;
    return jsonResponse({ applied: count("applied"), duplicates: count("duplicate"), ignored: count("ignored"), events: outcomes }, { requestId });
  },
  { permission: "event.ingest" },
);
