import { withAuth } from "@/lib/auth/server/with-auth";
import { ZSetMembershipSchema } from "@/lib/catalog/schemas";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { parsePathText } from "@/lib/schemas";
import { setMembership } from "@/lib/users/server/set-membership";

// PUT /api/teams/{slug}/members – add someone to the team, or change their role in it
export const PUT = withAuth<{ slug: string }>(
  async (request, { params, actor, ip, requestId }) => {
    const slug = parsePathText(params.slug, "slug");
    const team = await db.team.findUnique({ where: { slug }, select: { id: true } });
    if (!team) throw new AppError("NOT_FOUND", `No team "${slug}".`);
    const { email, role } = await parseJsonBody(request, ZSetMembershipSchema);
    const result = await setMembership({ teamId: team.id, email, role, actor, origin: { ip, requestId } });
    return jsonResponse(result, { requestId });
  },
  { permission: "user.manage" },
);
