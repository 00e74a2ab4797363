import { ssoReadiness } from "@/lib/auth/server/auth";
import { checkReadiness } from "@/lib/health/server/check-readiness";
import { jsonResponse, withApi } from "@/lib/http";

// GET /api/ready – the database answers and every migration is applied; 503 otherwise
export const GET = withApi(async (_request, { requestId, log }) => {
  const readiness = await checkReadiness({ log });
  if (!readiness.isReady) log.warn({ readiness }, "not ready");
  return jsonResponse(
    // oidc: the identity provider's state, shown but never making the portal unready (only signing in needs it).
    { status: readiness.isReady ? "ready" : "not_ready", ...readiness, oidc: ssoReadiness() },
    { status: readiness.isReady ? 200 : 503, requestId, headers: { "cache-control": "no-store" } },
  );
});
