import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZRedraftSchema } from "@/lib/postmortems/schemas";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";
import { redraftTimeline } from "@/lib/postmortems/server/redraft-timeline";

// POST /api/postmortems/{id}/timeline/redraft – draft the evidence timeline again (optionally with a new margin); stars, hidden entries, edits and hand-added entries survive
export const POST = withAuth<{ id: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const margins = await parseJsonBody(request, ZRedraftSchema);
    return jsonResponse(await redraftTimeline({ postmortemId: id, now: writer.now, margins, writer }), { requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
