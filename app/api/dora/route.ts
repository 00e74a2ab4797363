import { withAuth } from "@/lib/auth/server/with-auth";
import { ZDoraQuerySchema } from "@/lib/dora/schemas";
import { getDoraSummary } from "@/lib/dora/server/get-dora-summary";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";

// GET /api/dora – the five DORA figures for a scope and window, and for the window before (?team|service ?window|from&to ?environment ?bands ?minSamples)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZDoraQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await getDoraSummary({ query: parsed.data }), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
