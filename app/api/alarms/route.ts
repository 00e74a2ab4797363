import { ZAlarmFiltersSchema } from "@/lib/alarms/alarm-board";
import { findAlarms } from "@/lib/alarms/server/find-alarms";
import { withAuth } from "@/lib/auth/server/with-auth";
import { AppError } from "@/lib/errors";
import { jsonResponse, zodIssues } from "@/lib/http";

// GET /api/alarms – the alarm board: ALARM first, then INSUFFICIENT_DATA, then OK (?team ?service ?account ?region ?state ?severity ?q ?page)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZAlarmFiltersSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await findAlarms(parsed.data), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);
