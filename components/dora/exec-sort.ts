/** The executive table's sort, kept in the URL (?sort=leadTime&dir=desc), and the order it gives. */
import { sortValue } from "@/components/dora/metric-format";
import { METRIC_KEYS, type TDoraTeamRollup, type TMetricKey } from "@/lib/dora/schemas";

export type TSortKey = "team" | TMetricKey;
export interface TExecSort {
  key: TSortKey;
  /** asc: A→Z for teams, best first for metrics. */
  dir: "asc" | "desc";
}

export function parseExecSort(raw: Record<string, string | string[] | undefined>): TExecSort {
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const key = pick(raw.sort);
  const dir = pick(raw.dir);
  return {
    key: key === "team" || (METRIC_KEYS as readonly string[]).includes(key ?? "") ? (key as TSortKey) : "team",
    dir: dir === "desc" ? "desc" : "asc",
  };
}

/** Teams in the order asked for; a figure with no data sorts last either way, then by name. */
export function sortTeams(teams: readonly TDoraTeamRollup[], sort: TExecSort): TDoraTeamRollup[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  const byName = (a: TDoraTeamRollup, b: TDoraTeamRollup) => a.team.name.localeCompare(b.team.name, "en");
  if (sort.key === "team") return [...teams].sort((a, b) => sign * byName(a, b));
  const metric = sort.key;
  return [...teams].sort((a, b) => {
    const va = sortValue(metric, a.current[metric]);
    const vb = sortValue(metric, b.current[metric]);
    if (va === null || vb === null) return va === vb ? byName(a, b) : va === null ? 1 : -1;
    return sign * (va - vb) || byName(a, b);
  });
}
