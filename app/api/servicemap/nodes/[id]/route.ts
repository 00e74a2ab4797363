import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";
import { parsePathId } from "@/lib/schemas";
import { ZServiceMapQuerySchema } from "@/lib/servicemap/schemas";
import { getNodeDetails } from "@/lib/servicemap/server/get-node-details";
import { presetWindow } from "@/lib/servicemap/window";

// GET /api/servicemap/nodes/{id} – one map node's side panel: its series over the window, alarms, open incidents, recent deployments, failing and slow traces
export const GET = withAuth<{ id: string }>(
  async (request, { params, requestId }) => {
    const nodeId = parsePathId(params.id);
    const parsed = ZServiceMapQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    const q = parsed.data;
    const window = q.window === "custom" ? { from: new Date(q.from!), to: new Date(q.to!) } : presetWindow(q.window, new Date());
    return jsonResponse(await getNodeDetails({ nodeId, window }), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
