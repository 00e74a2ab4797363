import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZPostmortemPatchSchema } from "@/lib/postmortems/schemas";
import { getPostmortem } from "@/lib/postmortems/server/get-postmortem";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";
import { redraftTimeline } from "@/lib/postmortems/server/redraft-timeline";
import { updatePostmortem } from "@/lib/postmortems/server/update-postmortem";
import { parsePathId } from "@/lib/schemas";

// GET /api/postmortems/{id} – one postmortem: sections, evidence timeline, milestones, comments, action items, and what the caller may do
export const GET = withAuth<{ id: string }>(
  async (_request, { params, principal, requestId }) => {
    const postmortem = await getPostmortem({ id: parsePathId(params.id), principal, now: new Date() });
    if (!postmortem) throw new AppError("NOT_FOUND", `No postmortem with id ${params.id}.`);
    return jsonResponse(postmortem, { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);

// PATCH /api/postmortems/{id} – change the header (title, analysis style, evidence margins, milestones), naming the version edited (409 when stale)
export const PATCH = withAuth<{ id: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const patch = await parseJsonBody(request, ZPostmortemPatchSchema);
    const { isMarginChanged } = await updatePostmortem({ id, patch, writer });
    // A new evidence window is drafted at once.
    if (isMarginChanged) await redraftTimeline({ postmortemId: id, now: writer.now });
    return jsonResponse(await getPostmortem({ id, principal: ctx.principal, now: writer.now }), { requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
