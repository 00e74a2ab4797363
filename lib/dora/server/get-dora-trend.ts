import "server-only";
import { metricsFromAggregate } from "@/lib/dora/metrics";
import type { TDoraTrend, TDoraTrendQuery } from "@/lib/dora/schemas";
import { loadScopeAggregates } from "@/lib/dora/server/load-scope-aggregates";
import { resolveScope } from "@/lib/dora/server/resolve-scope";
import { trendBuckets } from "@/lib/dora/windows";

export interface TGetDoraTrendOptions {
  query: TDoraTrendQuery;
  now?: number;
}

/** The five figures per week (Monday first) or calendar month, oldest first, the current (partial) one last. */
export async function getDoraTrend({ query, now = Date.now() }: TGetDoraTrendOptions): Promise<TDoraTrend> {
  const scope = await resolveScope(query);
  const windows = trendBuckets(query.bucket, query.count, now);
  const { aggregates, method } = await loadScopeAggregates(scope, query.environment, windows);
  const options = { bandYear: query.bands, minSamples: query.minSamples };
  return {
    scope: scope.scope,
    environment: query.environment,
    bucket: query.bucket,
    bandYear: query.bands,
    minSamples: query.minSamples,
    points: windows.map((w, i) => metricsFromAggregate(aggregates[i]!, w, options)),
    method,
    generatedAt: new Date(now).toISOString(),
  };
}
