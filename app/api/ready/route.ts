import { checkReadiness } from "@/lib/health/server/check-readiness";
import { jsonResponse, withApi } from "@/lib/http";

// GET /api/ready – the database answers and every migration is applied; 503 otherwise
export const GET = withApi(async (_request, { requestId, log }) => {
  const readiness = await checkReadiness();
  if (!readiness.isReady) log.warn({ readiness }, "not ready");
  return jsonResponse(
    { status: readiness.isReady ? "ready" : "not_ready", ...readiness },
    { status: readiness.isReady ? 200 : 503, requestId, headers: { "cache-control": "no-store" } },
  );
});
