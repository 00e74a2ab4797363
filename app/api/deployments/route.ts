import { authenticateToken, guardTokenAttempts, missingTokenError, noteBadToken } from "@/lib/auth/server/authenticate-token";
import { bearerToken, hashToken } from "@/lib/auth/tokens";
import { ZDeploymentIngestSchema } from "@/lib/deployments/schemas";
import { submitIngest } from "@/lib/deployments/server/ingest-batcher";
import { scheduleDoraDrain } from "@/lib/dora/server/refresh-dora-facts";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody, withApi } from "@/lib/http";
import { reattributeIncidents } from "@/lib/incidents/server/reattribute-incidents";
import { registerDirectRoute } from "@/lib/server/direct-routes";

// POST /api/deployments – record one deployment or a batch of up to 1,000, idempotent by source + externalId
export const POST = withApi(async (request, { requestId, ip, log }) => {
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
  // The token is checked inside the ingest statement; concurrent posts of the same token share one statement.
  const { incidentCandidateIds, ...outcome } = await submitIngest({ deployments, actor: { tokenHash: hashToken(token) }, requestId, ip }).catch(
    (error: unknown) => {
      if (isAppError(error) && error.code === "UNAUTHORIZED") noteBadToken(ip);
      throw error;
    },
  );
  // The statement queued the DORA refresh of what it wrote (commit times filled in elsewhere included):
  // one drain soon serves a burst of posts.
  scheduleDoraDrain();
  // A deployment that arrives after an incident it may have caused: the rule is applied again to that incident.
  // The ingest statement names the deployments that can matter, so that the common case costs no query here.
  if (incidentCandidateIds.length > 0) {
    await reattributeIncidents({ deploymentIds: incidentCandidateIds, windowHours: env().attributionWindowHours, origin: { ip, requestId } }).catch(
      (error: unknown) => {
        // The deployments are stored, and a retry would find them unchanged: answer as stored. The incident's next report applies the rule again.
        log.error({ err: error, deploymentIds: incidentCandidateIds }, "could not re-attribute incidents to newly recorded deployments");
      },
    );
  }
  return jsonResponse(outcome, { status: outcome.created > 0 ? 201 : 200, requestId });
});

// In production the portal's server answers this route itself, before Next's router, once Next has loaded this file
// (lib/server/direct-routes.ts).
registerDirectRoute("POST", "/api/deployments", POST);
