import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody, parseSearchParams } from "@/lib/http";
import { ZPostmortemCreateSchema, ZPostmortemQuerySchema } from "@/lib/postmortems/schemas";
import { createPostmortem } from "@/lib/postmortems/server/create-postmortem";
import { findPostmortems } from "@/lib/postmortems/server/find-postmortems";
import { postmortemWriter } from "@/lib/postmortems/server/postmortem-store";

// GET /api/postmortems – postmortems, found by full-text search (?q) and filtered (?team ?service ?severity ?status ?from ?to ?page)
export const GET = withAuth(
  async (request, { principal, requestId }) => {
    const query = parseSearchParams(request, ZPostmortemQuerySchema);
    // What waits for someone is the signed-in person's (their teams'); a token has no teams of its own: null.
    const viewer = principal.kind === "user" ? principal : undefined;
    return jsonResponse(await findPostmortems({ query, viewer, now: new Date() }), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);

// POST /api/postmortems – start a postmortem for an incident (its timeline drafted at once) or a stand-alone one for a team or service
export const POST = withAuth(
  async (request, { principal, actor, requireTeam, ip, requestId }) => {
    const input = await parseJsonBody(request, ZPostmortemCreateSchema);
    const { id } = await createPostmortem({ input, requireTeam, writer: postmortemWriter(principal, actor, { ip, requestId }, new Date()) });
    return jsonResponse({ id, url: `/postmortems/${id}` }, { status: 201, requestId });
  },
  { permission: "postmortem.write" },
);
