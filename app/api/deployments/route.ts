import { authenticateToken } from "@/lib/auth/server/authenticate-token";
import { ZDeploymentIngestSchema } from "@/lib/deployments/schemas";
import { ingestDeployments } from "@/lib/deployments/server/ingest-deployments";
import { jsonResponse, parseJsonBody, withApi } from "@/lib/http";

// POST /api/deployments – record one deployment or a batch of up to 1,000, idempotent by source + externalId
export const POST = withApi(async (request, { requestId, ip }) => {
  const principal = await authenticateToken({ request, scope: "ingest" });
  const { deployments } = await parseJsonBody(request, ZDeploymentIngestSchema);
  const outcome = await ingestDeployments({ deployments, actor: { tokenId: principal.tokenId }, requestId, ip });
  return jsonResponse(outcome, { status: outcome.created > 0 ? 201 : 200, requestId });
});
