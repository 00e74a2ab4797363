import { findTokenForRevoke, revokeFoundToken } from "@/lib/auth/server/revoke-api-token";
import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse } from "@/lib/http";
import { parsePathId } from "@/lib/schemas";

// DELETE /api/tokens/{id} – revoke a token; its next use gets 401
export const DELETE = withAuth<{ id: string }>(
  async (_request, { params, actor, ip, requestId, requireTeam, requireOrgWide, missing }) => {
    const token = await findTokenForRevoke(String(parsePathId(params.id)));
    if (!token) return missing(`No token with id ${params.id}.`);
    // An organisation-wide token is revoked only by those who hold the permission everywhere.
    if (token.teamId === null) requireOrgWide();
    else requireTeam(token.teamId);
    const result = await revokeFoundToken(token, actor, { ip, requestId });
    return jsonResponse(result, { requestId });
  },
  { permission: "token.manage" },
);
