import { withAuth } from "@/lib/auth/server/with-auth";
import { ZSetOrgRoleSchema } from "@/lib/catalog/schemas";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { parsePathId } from "@/lib/schemas";
import { setOrgRole } from "@/lib/users/server/set-org-role";

// PATCH /api/users/{id} – change someone's organisation role (viewer, executive, admin)
export const PATCH = withAuth<{ id: string }>(
  async (request, { params, actor, ip, requestId }) => {
    const userId = parsePathId(params.id);
    const { orgRole } = await parseJsonBody(request, ZSetOrgRoleSchema);
    const result = await setOrgRole({ userId, orgRole, actor, origin: { ip, requestId } });
    return jsonResponse(result, { requestId });
  },
  { permission: "user.manage" },
);
