import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZActionItemCreateSchema } from "@/lib/postmortems/schemas";
import { createActionItem } from "@/lib/postmortems/server/change-action-items";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";

// POST /api/postmortems/{id}/action-items – a follow-up action (owner, type, priority, due date defaulting from priority, ticket link)
export const POST = withAuth<{ id: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const input = await parseJsonBody(request, ZActionItemCreateSchema);
    return jsonResponse(await createActionItem({ postmortemId: id, input, writer }), { status: 201, requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
