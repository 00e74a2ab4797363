import { withAuth } from "@/lib/auth/server/with-auth";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZIncidentPatchSchema } from "@/lib/incidents/schemas";
import { getIncident } from "@/lib/incidents/server/get-incident";
import { actorLabel, mayLinkDeploymentsOf } from "@/lib/incidents/server/incident-store";
import { findIncidentTeam, updateIncident } from "@/lib/incidents/server/update-incident";
import { parsePathId } from "@/lib/schemas";

// GET /api/incidents/{id} – one incident with its attribution and timeline
export const GET = withAuth<{ id: string }>(
  async (_request, { params, requestId }) => {
    const incident = await getIncident(parsePathId(params.id));
    if (!incident) throw new AppError("NOT_FOUND", `No incident with id ${params.id}.`);
    return jsonResponse(incident, { requestId, headers: { "cache-control": "no-store" } });
  },
  { permission: "catalog.read" },
);

// PATCH /api/incidents/{id} – acknowledge, resolve or reopen, re-attribute (to a deployment, none, or the rule), set the cause
export const PATCH = withAuth<{ id: string }>(
  async (request, { params, principal, actor, requireTeam, ip, requestId }) => {
    const id = parsePathId(params.id);
    // Incidents are readable by everyone signed in, so a missing one is a plain 404.
    const teamId = await findIncidentTeam(id);
    if (teamId === null) throw new AppError("NOT_FOUND", `No incident with id ${id}.`);
    requireTeam(teamId);
    const patch = await parseJsonBody(request, ZIncidentPatchSchema);
    const { isChanged } = await updateIncident({
      id,
      patch,
      mayLinkTeam: mayLinkDeploymentsOf(principal),
      writer: { actor, actorLabel: actorLabel(principal), origin: { ip, requestId }, windowHours: env().attributionWindowHours },
    });
    return jsonResponse({ ...(await getIncident(id)), changed: isChanged }, { requestId });
  },
  { permission: "incident.manage" },
);
