import "server-only";
import { db } from "@/lib/db";
import type { TSeverity } from "@/lib/incidents/schemas";

export interface TRuleTeam {
  id: number;
  slug: string;
  name: string;
  /** The team's own rule; null: it follows its group or the organisation. */
  own: TSeverity[] | null;
  /** What applies to its incidents now, read with the database function the drafting trigger calls. */
  effective: TSeverity[];
  /** Where the rule that applies comes from: the team itself, a group above it, or the organisation. */
  from: { kind: "team" } | { kind: "group"; name: string } | { kind: "organisation" };
}

export interface TPostmortemRuleTable {
  /** The organisation's rule (SEV1 and SEV2 unless an admin changed it). */
  organisation: TSeverity[];
  teams: TRuleTeam[];
}

interface TRow {
  id: number;
  slug: string;
  name: string;
  parentId: number | null;
  own: string[] | null;
  effective: string[];
}

/** As many teams as the other team lists show; an organisation with more filters them on the teams page. */
const MAX_TEAMS = 2000;

/**
 * Every team with its own rule (if any) and the rule that applies to it, for
 * the rules settings page. The applied rule is read with
 * postmortem_required_severities, the function the trigger that drafts a
 * postmortem calls, so the page can never disagree with what happens.
 */
export async function findPostmortemRuleTable(): Promise<TPostmortemRuleTable> {
  const [rows, organisation] = await Promise.all([
    db.$queryRaw<TRow[]>`
      SELECT t.id, t.slug, t.name, t."parentId",
             (SELECT array(SELECT unnest(r.severities)::text ORDER BY 1) FROM "PostmortemRule" r WHERE r."teamId" = t.id) AS own,
             array(SELECT unnest(postmortem_required_severities(t.id))::text ORDER BY 1) AS effective
      FROM "Team" t
      ORDER BY t.name, t.id
      LIMIT ${MAX_TEAMS}`,
    db.postmortemRule.findFirst({ where: { teamId: null }, select: { severities: true } }),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const teams = rows.map((row): TRuleTeam => {
    let from: TRuleTeam["from"] = { kind: "organisation" };
    if (row.own !== null) from = { kind: "team" };
    else {
      // The nearest group above with a rule of its own (bounded like the database function).
      let parent = row.parentId === null ? undefined : byId.get(row.parentId);
      for (let depth = 0; parent && depth < 32; depth++) {
        if (parent.own !== null) {
          from = { kind: "group", name: parent.name };
          break;
        }
        parent = parent.parentId === null ? undefined : byId.get(parent.parentId);
      }
    }
    return { id: row.id, slug: row.slug, name: row.name, own: row.own as TSeverity[] | null, effective: row.effective as TSeverity[], from };
  });
  return { organisation: [...(organisation?.severities ?? [])].sort() as TSeverity[], teams };
}
