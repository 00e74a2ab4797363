import "server-only";
import { DEFAULT_BAND_YEAR, type TBandYear } from "@/lib/dora/bands";
import { metricsFromAggregate } from "@/lib/dora/metrics";
import { DEFAULT_ENVIRONMENT, DEFAULT_MIN_SAMPLES, type TDoraRollup } from "@/lib/dora/schemas";
import { queryWindow } from "@/lib/dora/server/get-dora-summary";
import { aggregateOfParts, loadTeamParts, ORG_TEAM_ID } from "@/lib/dora/server/load-aggregates";
import { HISTOGRAM_METHOD } from "@/lib/dora/server/load-scope-aggregates";
import { preparedQuery } from "@/lib/db";
import { drainBeforeRead } from "@/lib/dora/server/refresh-dora-facts";
import { previousWindow } from "@/lib/dora/windows";

export interface TGetDoraRollupOptions {
  /** Days ending today (default 90), or from/to (inclusive). */
  window?: number;
  from?: string;
  to?: string;
  environment?: string;
  bands?: TBandYear;
  minSamples?: number;
  now?: number;
}

/**
 * The executive roll-up: every team (each with the teams nested under it)
 * and the whole organisation, the five figures for the window and the one
 * before it. Two statements over the rollups, whatever the number of teams
 * (the organisation's figures from its own rows, read by the same two).
 * Per DORA's advice the organisation's figures come with every team's beside
 * them, never alone.
 */
export async function getDoraRollup({ environment = DEFAULT_ENVIRONMENT, bands = DEFAULT_BAND_YEAR, minSamples = DEFAULT_MIN_SAMPLES, now = Date.now(), ...window }: TGetDoraRollupOptions = {}): Promise<TDoraRollup> {
  const current = queryWindow(window, now);
  const previous = previousWindow(current);
  const windows = [current, previous];
  await drainBeforeRead();
  const [teams, parts] = await Promise.all([
    preparedQuery<{ id: number; slug: string; name: string; parentId: number | null }>("dora-rollup-teams", `SELECT id, slug, name, "parentId" FROM "Team" ORDER BY name, id`, []),
    loadTeamParts({ environment, windows, teamIds: null }),
  ]);
  const children = new Map<number, number[]>();
  for (const t of teams) if (t.parentId !== null) children.set(t.parentId, [...(children.get(t.parentId) ?? []), t.id]);
  const subtree = (id: number, seen = new Set<number>()): number[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    return [id, ...(children.get(id) ?? []).flatMap((c) => subtree(c, seen))];
  };
  const options = { bandYear: bands, minSamples };
  const figures = (teamIds: number[]) =>
    windows.map((w, i) => {
      const list = teamIds.flatMap((id) => (parts.has(id) ? [parts.get(id)![i]!] : []));
      return metricsFromAggregate(aggregateOfParts(list, w), w, options);
    });
  const [orgCurrent, orgPrevious] = figures([ORG_TEAM_ID]);
  return {
    environment,
    bandYear: bands,
    minSamples,
    org: { current: orgCurrent!, previous: orgPrevious! },
    teams: teams.map((t) => {
      const [teamCurrent, teamPrevious] = figures(subtree(t.id));
      return {
        team: { id: t.id, slug: t.slug, name: t.name, parentId: t.parentId, hasChildren: children.has(t.id) },
        current: teamCurrent!,
        previous: teamPrevious!,
      };
    }),
    method: HISTOGRAM_METHOD,
    generatedAt: new Date(now).toISOString(),
  };
}
