import { withAuth } from "@/lib/auth/server/with-auth";
import { ZDoraTrendQuerySchema } from "@/lib/dora/schemas";
import { getDoraTrend } from "@/lib/dora/server/get-dora-trend";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";

// GET /api/dora/trend – the five DORA figures per week or month, oldest first (?team|service ?bucket ?count ?environment ?bands ?minSamples)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZDoraTrendQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await getDoraTrend({ query: parsed.data }), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
