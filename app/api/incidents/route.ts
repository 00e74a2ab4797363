import { withAuth } from "@/lib/auth/server/with-auth";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody, zodIssues } from "@/lib/http";
import { ZIncidentFiltersSchema, ZIncidentIngestSchema } from "@/lib/incidents/schemas";
import { findIncidents } from "@/lib/incidents/server/find-incidents";
import { actorLabel, mayLinkDeploymentsOf } from "@/lib/incidents/server/incident-store";
import { recordIncidents } from "@/lib/incidents/server/record-incidents";

// GET /api/incidents – incidents, open first, newest first within (?team ?service ?status ?severity ?page)
export const GET = withAuth(
  async (request, { requestId }) => {
    const parsed = ZIncidentFiltersSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
    }
    return jsonResponse(await findIncidents(parsed.data), { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);

// POST /api/incidents – record one incident or a batch of up to 100 as an incident tool reports them, idempotent by source + externalId
export const POST = withAuth(
  async (request, { principal, actor, requireTeam, ip, requestId }) => {
    const { incidents, isBatch } = await parseJsonBody(request, ZIncidentIngestSchema);
    const outcome = await recordIncidents({
      incidents,
      isBatch,
      requireTeam,
      mayLinkTeam: mayLinkDeploymentsOf(principal),
      writer: { actor, actorLabel: actorLabel(principal), origin: { ip, requestId }, windowHours: env().attributionWindowHours },
    });
    return jsonResponse(outcome, { status: outcome.created > 0 ? 201 : 200, requestId });
  },
  { permission: "incident.record" },
);
