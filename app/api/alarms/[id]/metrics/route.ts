import { z } from "zod";
import { ZMetricWindowSchema } from "@/lib/alarms/alarm-board";
import { getAlarmMetrics } from "@/lib/alarms/server/get-alarm-metrics";
import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";
import { parsePathId } from "@/lib/schemas";

const ZQuerySchema = z.object({ window: ZMetricWindowSchema });

// GET /api/alarms/{id}/metrics – the alarm's metric over a window (?window=3h|12h|24h|3d|7d) from GetMetricData, cached a minute, with its threshold and the service's production deployments
export const GET = withAuth<{ id: string }>(
  async (request, { params, requestId }) => {
    const alarmId = parsePathId(params.id);
    const parsed = ZQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    const metrics = await getAlarmMetrics({ alarmId, window: parsed.data.window });
    return jsonResponse(metrics, { requestId, headers: { "cache-control": "private, max-age=60" } });
  },
  { permission: "catalog.read" },
);
