import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse } from "@/lib/http";
import { getTrace } from "@/lib/servicemap/server/get-trace";

// GET /api/traces/{id} – one X-Ray trace: its stored summary and its segments from BatchGetTraces (cached), or why there are none
export const GET = withAuth<{ id: string }>(
  async (_request, { params, requestId }) => jsonResponse(await getTrace({ traceId: params.id }), { requestId, headers: { "cache-control": "private, max-age=60" } }),
  { permission: "catalog.read" },
);
