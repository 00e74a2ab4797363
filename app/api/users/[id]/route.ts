import { withAuth } from "@/lib/auth/server/with-auth";
import { ZSetOrgRoleSchema } from "@/lib/catalog/schemas";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { setOrgRole } from "@/lib/users/server/set-org-role";

// PATCH /api/users/{id} – change someone's organisation role (viewer, executive, admin)
export const PATCH = withAuth<{ id: string }>(
  async (request, { params, actor, ip, requestId }) => {
    if (!/^\d+$/.test(params.id)) throw new AppError("NOT_FOUND", `No user with id ${params.id}.`);
    const { orgRole } = await parseJsonBody(request, ZSetOrgRoleSchema);
    const result = await setOrgRole({ userId: Number(params.id), orgRole, actor, origin: { ip, requestId } });
    return jsonResponse(result, { requestId });
  },
  { permission: "user.manage" },
);
