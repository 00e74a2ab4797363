import "server-only";
import { db } from "@/lib/db";
import { invalidField } from "@/lib/errors";
import type { TSeverity } from "@/lib/incidents/schemas";
import type { TPostmortemRule } from "@/lib/postmortems/schemas";
import { auditPostmortem, type TPostmortemWriter } from "@/lib/postmortems/server/postmortem-store";

export interface TRuleRow {
  team: { id: number; slug: string; name: string } | null;
  severities: TSeverity[];
}

/**
 * The rules for when an incident requires a postmortem: the organisation's
 * and the teams' own. The database trigger that drafts a postmortem when an
 * incident resolves reads the same rows (postmortem_required_severities:
 * the team's own rule, else the nearest group's above it, else the
 * organisation's).
 */
export async function findPostmortemRules(): Promise<TRuleRow[]> {
  const rows = await db.postmortemRule.findMany({ select: { severities: true, team: { select: { id: true, slug: true, name: true } } }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ team: r.team, severities: [...r.severities].sort() })).sort((a, b) => (a.team === null ? -1 : b.team === null ? 1 : a.team.name.localeCompare(b.team.name)));
}

/** Sets the organisation's rule or a team's (null severities: the team follows its group or the organisation again). */
export async function setPostmortemRule({ rule, writer }: { rule: TPostmortemRule; writer: TPostmortemWriter }): Promise<void> {
  const severities = rule.severities === null ? null : [...new Set(rule.severities)].sort();
  await db.$transaction(async (tx) => {
    if (rule.teamId !== null) {
      const team = await tx.team.findUnique({ where: { id: rule.teamId }, select: { id: true } });
      if (!team) throw invalidField("teamId", `no team with id ${rule.teamId}`);
    }
    const existing = await tx.postmortemRule.findFirst({ where: { teamId: rule.teamId }, select: { id: true, severities: true } });
    if (severities === null) {
      if (existing) await tx.postmortemRule.delete({ where: { id: existing.id } });
    } else if (existing) {
      await tx.postmortemRule.update({ where: { id: existing.id }, data: { severities } });
    } else {
      await tx.postmortemRule.create({ data: { teamId: rule.teamId, severities } });
    }
    await auditPostmortem(tx, writer, {
      action: "postmortem.rule.set",
      entityType: "PostmortemRule",
      entityId: rule.teamId === null ? "organisation" : `team:${rule.teamId}`,
      before: existing ? { severities: existing.severities } : null,
      after: { severities },
    });
  });
}
