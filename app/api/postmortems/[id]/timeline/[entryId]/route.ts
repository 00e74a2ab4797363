import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZTimelineEntryPatchSchema } from "@/lib/postmortems/schemas";
import { deleteTimelineEntry, updateTimelineEntry } from "@/lib/postmortems/server/change-timeline";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";
import { parsePathId } from "@/lib/schemas";

// PATCH /api/postmortems/{id}/timeline/{entryId} – star, hide or reword an entry (a drafted one keeps its original), move one added by hand
export const PATCH = withAuth<{ id: string; entryId: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const entryId = parsePathId(ctx.params.entryId, "entryId");
    const patch = await parseJsonBody(request, ZTimelineEntryPatchSchema);
    return jsonResponse(await updateTimelineEntry({ postmortemId: id, entryId, patch, writer }), { requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);

// DELETE /api/postmortems/{id}/timeline/{entryId} – remove an entry added by hand (drafted ones are hidden instead)
export const DELETE = withAuth<{ id: string; entryId: string }>(
  async (_request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const entryId = parsePathId(ctx.params.entryId, "entryId");
    return jsonResponse(await deleteTimelineEntry({ postmortemId: id, entryId, writer }), { requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
