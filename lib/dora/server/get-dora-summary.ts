import "server-only";
import { metricsFromAggregate } from "@/lib/dora/metrics";
import { DEFAULT_WINDOW_DAYS, type TDoraQuery, type TDoraSummary } from "@/lib/dora/schemas";
import { loadScopeAggregates } from "@/lib/dora/server/load-scope-aggregates";
import { resolveScope } from "@/lib/dora/server/resolve-scope";
import { isoToDay, lastDays, previousWindow, type TDayWindow } from "@/lib/dora/windows";

/** The window a query names: from/to (inclusive days), or the last N days ending today. */
export function queryWindow(query: { window?: number; from?: string; to?: string }, now: number): TDayWindow {
  if (query.from && query.to) return { fromDay: isoToDay(query.from), toDay: isoToDay(query.to) + 1 };
  return lastDays(query.window ?? DEFAULT_WINDOW_DAYS, now);
}

export interface TGetDoraSummaryOptions {
  query: TDoraQuery;
  now?: number;
}

/** The five figures for a scope and window, and for the window of equal length before it. */
export async function getDoraSummary({ query, now = Date.now() }: TGetDoraSummaryOptions): Promise<TDoraSummary> {
  const scope = await resolveScope(query);
  const current = queryWindow(query, now);
  const previous = previousWindow(current);
  const { aggregates, method } = await loadScopeAggregates(scope, query.environment, [current, previous]);
  const options = { bandYear: query.bands, minSamples: query.minSamples };
  return {
    scope: scope.scope,
    environment: query.environment,
    bandYear: query.bands,
    minSamples: query.minSamples,
    current: metricsFromAggregate(aggregates[0]!, current, options),
    previous: metricsFromAggregate(aggregates[1]!, previous, options),
    method,
    generatedAt: new Date(now).toISOString(),
  };
}
