import { holdsForTeam } from "@/lib/auth/permissions";
import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZActionItemPatchSchema } from "@/lib/postmortems/schemas";
import { findActionItemAccess, OWNER_FIELDS, updateActionItem } from "@/lib/postmortems/server/change-action-items";
import { postmortemWriter } from "@/lib/postmortems/server/postmortem-store";
import { parsePathId } from "@/lib/schemas";

// PATCH /api/action-items/{id} – change an action item, naming the version edited; its owner may move its status even outside the team
export const PATCH = withAuth<{ id: string }>(
  async (request, { params, principal, actor, requireTeam, ip, requestId }) => {
    const id = parsePathId(params.id);
    const access = await findActionItemAccess(id);
    if (!access) throw new AppError("NOT_FOUND", `No action item with id ${id}.`);
    const patch = await parseJsonBody(request, ZActionItemPatchSchema);
    const isOwner = principal.kind === "user" && principal.userId === access.ownerId;
    const isTeamWriter = principal.kind === "user" && holdsForTeam(principal, "postmortem.write", access.teamId);
    if (!isTeamWriter) {
      if (!isOwner) requireTeam(access.teamId);
      const beyond = Object.keys(patch).filter((k) => !(OWNER_FIELDS as readonly string[]).includes(k));
      if (beyond.length) throw new AppError("FORBIDDEN", `As its owner you may change this item's status; ${beyond.join(", ")} can be changed by the team's members.`);
    }
    const writer = postmortemWriter(principal, actor, { ip, requestId }, new Date());
    return jsonResponse(await updateActionItem({ id, patch, writer }), { requestId });
  },
  { permission: "postmortem.write" },
);
