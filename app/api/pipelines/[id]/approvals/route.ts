import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZApprovalSchema } from "@/lib/pipelines/board";
import { parsePathId } from "@/lib/schemas";
import { approveAction, findPipelineForApproval } from "@/lib/pipelines/server/approve-action";

// POST /api/pipelines/{id}/approvals – approve or reject a waiting manual approval (PutApprovalResult), audited
export const POST = withAuth<{ id: string }>(
  async (request, { params, actor, ip, requestId, requireTeam, requireOrgWide, missing }) => {
    const pipeline = await findPipelineForApproval(parsePathId(params.id));
    if (!pipeline) return missing(`No pipeline with id ${params.id}.`);
    // A pipeline with no service mapped belongs to no team: only those allowed everywhere answer for it.
    if (pipeline.service) requireTeam(pipeline.service.teamId);
    else requireOrgWide();
    const input = await parseJsonBody(request, ZApprovalSchema);
    const result = await approveAction(pipeline, input, actor, { ip, requestId });
    return jsonResponse(result, { requestId });
  },
  { permission: "pipeline.approve" },
);
