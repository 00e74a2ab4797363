import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZCommentCreateSchema } from "@/lib/postmortems/schemas";
import { addComment } from "@/lib/postmortems/server/add-comment";
import { authorizePostmortemWrite } from "@/lib/postmortems/server/postmortem-store";

// POST /api/postmortems/{id}/comments – a comment on a section (sectionKey) or on the whole postmortem
export const POST = withAuth<{ id: string }>(
  async (request, ctx) => {
    const { id, writer } = await authorizePostmortemWrite(ctx.params.id, ctx);
    const input = await parseJsonBody(request, ZCommentCreateSchema);
    return jsonResponse(await addComment({ postmortemId: id, input, writer }), { status: 201, requestId: ctx.requestId });
  },
  { permission: "postmortem.write" },
);
