import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZTimelineEntryCreateSchema } from "@/lib/postmortems/schemas";
import { addTimelineEntry } from "@/lib/postmortems/server/change-timeline";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";

// POST /api/postmortems/{id}/timeline – add a timeline entry by hand (redrafting never touches it)
export const POST = withAuth<{ id: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const input = await parseJsonBody(request, ZTimelineEntryCreateSchema);
    return jsonResponse(await addTimelineEntry({ postmortemId: id, input, writer }), { status: 201, requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
