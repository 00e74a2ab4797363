import { missingTokenError } from "@/lib/auth/server/authenticate-token";
import { withAuth } from "@/lib/auth/server/with-auth";
import { bearerToken, hashToken } from "@/lib/auth/tokens";
import { ZDeploymentIngestSchema } from "@/lib/deployments/schemas";
import { submitIngest } from "@/lib/deployments/server/ingest-batcher";
import { scheduleDoraDrain } from "@/lib/dora/server/refresh-dora-facts";
import { env } from "@/lib/env";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { reattributeIncidents } from "@/lib/incidents/server/reattribute-incidents";

// POST /api/deployments – record one deployment or a batch of up to 1,000, idempotent by source + externalId
export const POST = withAuth(
  async (request, { requestId, ip, log }) => {
    // withAuth lets only ingest tokens through (permission "deployment.ingest"): never a session.
    const token = bearerToken(request);
    if (!token) throw missingTokenError();
    const { deployments } = await parseJsonBody(request, ZDeploymentIngestSchema);
    // The ingest statement reads the token again by its hash, for the teams it may write for; concurrent posts of
    // the same token share one statement.
    const { incidentCandidateIds, ...outcome } = await submitIngest({ deployments, actor: { tokenHash: hashToken(token) }, requestId, ip });
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
  },
  { permission: "deployment.ingest" },
);
