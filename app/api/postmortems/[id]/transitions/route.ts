import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZTransitionSchema } from "@/lib/postmortems/schemas";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";
import { transitionPostmortem } from "@/lib/postmortems/server/transition-postmortem";

// POST /api/postmortems/{id}/transitions – submit, withdraw, request_changes, approve, publish, not_required or reopen, naming the version seen
export const POST = withAuth<{ id: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const transition = await parseJsonBody(request, ZTransitionSchema);
    return jsonResponse(await transitionPostmortem({ id, transition, principal: ctx.principal, writer }), { requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
