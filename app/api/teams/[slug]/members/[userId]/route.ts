import { withAuth } from "@/lib/auth/server/with-auth";
import { findTeamId } from "@/lib/catalog/server/find-team-id";
import { AppError } from "@/lib/errors";
import { jsonResponse } from "@/lib/http";
import { parsePathId, parsePathText } from "@/lib/schemas";
import { removeMembership } from "@/lib/users/server/set-membership";

// DELETE /api/teams/{slug}/members/{userId} – take someone out of the team
export const DELETE = withAuth<{ slug: string; userId: string }>(
  async (_request, { params, actor, ip, requestId }) => {
    const slug = parsePathText(params.slug, "slug");
    const userId = parsePathId(params.userId, "userId");
    const teamId = await findTeamId({ slug });
    if (teamId === null) throw new AppError("NOT_FOUND", `No such member of "${slug}".`);
    await removeMembership({ teamId, userId, actor, origin: { ip, requestId } });
    return jsonResponse({ removed: true }, { requestId });
  },
  { permission: "user.manage" },
);
