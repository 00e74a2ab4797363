import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";
import { ZServiceMapQuerySchema } from "@/lib/servicemap/schemas";
import { getServiceMap } from "@/lib/servicemap/server/get-service-map";

// GET /api/servicemap – the X-Ray service graph over a window, aggregated from stored buckets (?window ?from ?to ?team ?service ?group)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZServiceMapQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await getServiceMap(parsed.data), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
