import "server-only";
import type { TDoraAggregate } from "@/lib/dora/metrics";
import type { TDoraMethod } from "@/lib/dora/schemas";
import { loadServiceAggregates, loadTeamAggregates, ORG_TEAM_ID } from "@/lib/dora/server/load-aggregates";
import type { TResolvedScope } from "@/lib/dora/server/resolve-scope";
import type { TDayWindow } from "@/lib/dora/windows";

export const HISTOGRAM_METHOD: TDoraMethod = {
  percentiles: "histogram",
  note: "Counts and rates exact. Medians and p90s from per-team histograms of 2% log buckets merged over aligned day blocks: within 1% of the exact value (docs/metrics.md).",
};
export const EXACT_METHOD: TDoraMethod = { percentiles: "exact", note: "Every figure exact, from the service's deployment facts." };

/** One aggregate per window for any scope, and how its percentiles were computed. */
export async function loadScopeAggregates(scope: TResolvedScope, environment: string, windows: TDayWindow[]): Promise<{ aggregates: TDoraAggregate[]; method: TDoraMethod }> {
  if (scope.kind === "service") return { aggregates: await loadServiceAggregates({ environment, windows, serviceId: scope.serviceId }), method: EXACT_METHOD };
  // The organisation reads its own rows: one per day and block, not one per team.
  const teamIds = scope.kind === "team" ? scope.teamIds : [ORG_TEAM_ID];
  return { aggregates: await loadTeamAggregates({ environment, windows, teamIds }), method: HISTOGRAM_METHOD };
}
