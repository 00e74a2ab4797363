import { withAuth } from "@/lib/auth/server/with-auth";
import { jsonResponse, parseJsonBody } from "@/lib/http";
import { ZPostmortemRuleSchema } from "@/lib/postmortems/schemas";
import { postmortemWriter } from "@/lib/postmortems/server/postmortem-store";
import { findPostmortemRules, setPostmortemRule } from "@/lib/postmortems/server/postmortem-rules";

// GET /api/postmortem-rules – which incident severities require a postmortem: the organisation's rule and teams' own
export const GET = withAuth(
  async (_request, { requestId }) => jsonResponse({ rules: await findPostmortemRules() }, { requestId, headers: { "cache-control": "no-store" } }),
  { permission: "catalog.read" },
);

// PUT /api/postmortem-rules – set the organisation's rule (teamId null, admins) or a team's (its maintainers; severities null removes it)
export const PUT = withAuth(
  async (request, { principal, actor, requireTeam, requireOrgWide, ip, requestId }) => {
    const rule = await parseJsonBody(request, ZPostmortemRuleSchema);
    if (rule.teamId === null) requireOrgWide("Only admins set the organisation's postmortem rule.");
    else requireTeam(rule.teamId);
    await setPostmortemRule({ rule, writer: postmortemWriter(principal, actor, { ip, requestId }, new Date()) });
    return jsonResponse({ rules: await findPostmortemRules() }, { requestId });
  },
  { permission: "postmortem.rules" },
);
