import { withAuth } from "@/lib/auth/server/with-auth";
import { ZSetMembershipSchema } from "@/lib/catalog/schemas";
import { findTeamId } from "@/lib/catalog/server/find-team-id";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { parsePathText } from "@/lib/schemas";
import { setMembership } from "@/lib/users/server/set-membership";

// PUT /api/teams/{slug}/members – add someone to the team, or change their role in it
export const PUT = withAuth<{ slug: string }>(
  async (request, { params, actor, ip, requestId }) => {
    const slug = parsePathText(params.slug, "slug");
    const teamId = await findTeamId({ slug });
    if (teamId === null) throw new AppError("NOT_FOUND", `No team "${slug}".`);
    const { email, role } = await parseJsonBody(request, ZSetMembershipSchema);
    const result = await setMembership({ teamId, email, role, actor, origin: { ip, requestId } });
    return jsonResponse(result, { requestId });
  },
  { permission: "user.manage" },
);
