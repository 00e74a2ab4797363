import { createApiToken } from "@/lib/auth/server/create-api-token";
import { withAuth } from "@/lib/auth/server/with-auth";
import { ZCreateTokenSchema } from "@/lib/catalog/schemas";
import { findTeamId } from "@/lib/catalog/server/find-team-id";
import { jsonResponse, parseJsonBody } from "@/lib/http";

const DAY_MS = 24 * 60 * 60 * 1000;

// POST /api/tokens – create an API token; the secret is in this response only
export const POST = withAuth(
  async (request, { actor, ip, requestId, requireTeam, requireOrgWide, missing }) => {
    const input = await parseJsonBody(request, ZCreateTokenSchema);
    let teamId: number | null = null;
    if (input.team) {
      teamId = await findTeamId({ slug: input.team });
      if (teamId === null) return missing(`No team "${input.team}".`);
      requireTeam(teamId);
    } else requireOrgWide("Only admins create organisation-wide tokens: pick one of your teams.");
    const created = await createApiToken({
      name: input.name,
      scopes: input.scopes,
      teamId,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
      actor,
      origin: { ip, requestId },
    });
    return jsonResponse(created, { status: 201, requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "token.manage" },
);
