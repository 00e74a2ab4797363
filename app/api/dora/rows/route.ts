import { withAuth } from "@/lib/auth/server/with-auth";
import { ZDoraRowsQuerySchema } from "@/lib/dora/schemas";
import { findDoraRows } from "@/lib/dora/server/find-dora-rows";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";

// GET /api/dora/rows – the deployments (with their incidents) behind one figure, newest first (?metric ?team|service ?window|from&to ?environment ?page ?pageSize)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZDoraRowsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await findDoraRows({ query: parsed.data }), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
