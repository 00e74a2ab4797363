import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse } from "@/lib/http";
import { getPipeline } from "@/lib/pipelines/server/get-pipeline";
import { parsePathId } from "@/lib/schemas";

// GET /api/pipelines/{id} – one pipeline: stages and actions now, and its executions (?page)
export const GET = withAuth<{ id: string }>(
  async (request, { params, requestId }) => {
    const pageParam = new URL(request.url).searchParams.get("page") ?? "1";
    const id = parsePathId(params.id);
    if (!/^[1-9]\d{0,4}$/.test(pageParam)) throw new AppError("INVALID_INPUT", "page must be a whole number from 1.");
    const pipeline = await getPipeline(id, Number(pageParam));
    if (!pipeline) throw new AppError("NOT_FOUND", `No pipeline with id ${id}.`);
    return jsonResponse(pipeline, { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
