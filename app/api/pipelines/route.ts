import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";
import { ZBoardFiltersSchema } from "@/lib/pipelines/board";
import { findPipelines } from "@/lib/pipelines/server/find-pipelines";

// GET /api/pipelines – the board: pipelines with stages and latest execution, failures first (?team ?account ?region ?status ?q ?page)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZBoardFiltersSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await findPipelines(parsed.data), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
