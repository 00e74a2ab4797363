import { authenticateToken, guardTokenAttempts, missingTokenError, noteBadToken } from "@/lib/auth/server/authenticate-token";
import { bearerToken, hashToken } from "@/lib/auth/tokens";
import { ZDeploymentIngestSchema } from "@/lib/deployments/schemas";
import { ingestDeployments } from "@/lib/deployments/server/ingest-deployments";
import { isAppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody, withApi } from "@/lib/http";

// POST /api/deployments – record one deployment or a batch of up to 1,000, idempotent by source + externalId
export const POST = withApi(async (request, { requestId, ip }) => {
  const token = bearerToken(request);
  if (!token) throw missingTokenError();
  guardTokenAttempts(ip);
  let deployments;
  try {
    ({ deployments } = await parseJsonBody(request, ZDeploymentIngestSchema));
  } catch (error) {
    // Who is asking comes first: a bad token gets 401/403, not a list of body problems.
    if (isAppError(error)) await authenticateToken({ request, scope: "ingest" });
    throw error;
  }
  // The token is checked inside the ingest statement (one round trip per request).
  const outcome = await ingestDeployments({ deployments, actor: { tokenHash: hashToken(token) }, requestId, ip }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "UNAUTHORIZED") noteBadToken(ip);
    throw error;
  });
  return jsonResponse(outcome, { status: outcome.created > 0 ? 201 : 200, requestId });
});
