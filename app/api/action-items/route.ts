import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseSearchParams } from "@/lib/http";
import { ZActionItemQuerySchema } from "@/lib/postmortems/schemas";
import { findActionItems } from "@/lib/postmortems/server/find-action-items";

// GET /api/action-items – action items across the organisation, open ones first and overdue before the rest (?team ?owner=me|id ?status ?priority ?overdue ?page)
export const GET = withAuth(
  async (request, { principal, requestId }) => {
    const query = parseSearchParams(request, ZActionItemQuerySchema);
    const page = await findActionItems({ query, viewerUserId: principal.kind === "user" ? principal.userId : null, now: new Date() });
    return jsonResponse(page, { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
