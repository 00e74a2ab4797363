import Link from "next/link";
import { BookOpen } from "lucide-react";
import { CsvButton } from "@/components/dora/csv-button";
import { apiQueryString, dashboardHref, type TDashboardParams } from "@/components/dora/dashboard-params";
import { FigureRows } from "@/components/dora/figure-rows";
import { figureChange, figuresOf, figureText, METRIC_META, toCsv } from "@/components/dora/metric-format";
import { MetricTile } from "@/components/dora/metric-tile";
import { TrendCharts } from "@/components/dora/trend-charts";
import { shapeTrend, sparklineValues } from "@/components/dora/trend-series";
import { Card, CardTitle } from "@/components/ui/card";
import type { TDoraSummary, TDoraTrend } from "@/lib/dora/schemas";

const FIGURES_HEADER = [
  "scope", "scope_slug", "metric", "value", "unit", "shown_as", "p90", "sample_size", "low_sample", "band", "band_year",
  "previous_value", "change", "window_from", "window_to", "environment",
] as const;

/** The figures on screen as CSV: raw values in their API units beside the text people read. */
export function figuresCsv(summary: TDoraSummary): string {
  const { current, previous } = summary;
  return toCsv(
    FIGURES_HEADER,
    figuresOf(current).map(([metric, f]) => {
      const prev = previous[metric];
      const change = figureChange(metric, f, prev);
      const p90 = metric === "leadTime" ? current.leadTime.p90 : metric === "recoveryTime" ? current.recoveryTime.p90 : null;
      return [
        summary.scope.kind, summary.scope.slug, metric, f.value, f.unit, figureText(metric, f), p90, f.sampleSize, f.isLowSample, f.band, f.bandYear,
        prev.value, change ? change.amount : null, current.window.from, current.window.to, summary.environment,
      ];
    }),
  );
}

const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/**
 * A DORA dashboard for one scope (organisation, team or service): the five
 * tiles, the rows behind the open one, weekly trends, exports, and the way
 * to the rules. Rendered on the server; the charts and the rows are client
 * leaves.
 */
export function DoraDashboard({ path, params, scopeTeam, summary, trend }: {
  /** The page's path, and the parameters its links keep. */
  path: string;
  params: TDashboardParams;
  /** The team the page itself stands for (the team page's slug is in its path, not its query). */
  scopeTeam?: string;
  summary: TDoraSummary;
  trend: TDoraTrend;
}) {
  const { current, previous } = summary;
  const apiQuery = apiQueryString(scopeTeam ? { ...params, team: scopeTeam } : params);
  const stem = `dora-${summary.scope.slug ?? "org"}-${current.window.from}-${current.window.to}`;
  const hasData = current.deploymentFrequency.deployments > 0;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{summary.scope.name}</span> · {longDate(current.window.from)} – {longDate(current.window.to)} ({current.window.days} days) ·{" "}
          {summary.environment} · bands from DORA {summary.bandYear} · below {summary.minSamples} samples a figure gets no band
        </p>
        <div className="flex flex-wrap items-center gap-2">
          <CsvButton filename={`${stem}-figures.csv`} csv={figuresCsv(summary)} label="Download figures (CSV)" />
          <Link href="/dora/method" className="inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
            <BookOpen aria-hidden className="size-4" />
            How these are computed
          </Link>
        </div>
      </div>

      {!hasData ? (
        <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-3 text-sm text-zinc-700 dark:border-zinc-700 dark:text-zinc-300">
          No production deployments in this window, so every figure is <strong>no data</strong> (not zero). Post deployments to <code className="font-mono">/api/deployments</code> from CI, or
          choose a longer window.
        </p>
      ) : null}

      <section aria-label="DORA figures">
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-5">
          {figuresOf(current).map(([metric]) => (
            <MetricTile
              key={metric}
              metric={metric}
              current={current}
              previous={previous}
              trend={sparklineValues(trend.points, metric)}
              rowsHref={dashboardHref(path, params, { rows: params.rows === metric ? undefined : metric })}
              isOpen={params.rows === metric}
            />
          ))}
        </div>
      </section>

      {params.rows ? (
        <FigureRows
          key={`${params.rows}:${apiQuery}`}
          query={apiQuery}
          metric={params.rows}
          closeHref={dashboardHref(path, params, { rows: undefined })}
          filenameStem={stem}
        />
      ) : null}

      <Card>
        <CardTitle>Weekly trends, last {trend.points.length} weeks</CardTitle>
        <p className="-mt-2 mb-4 text-sm text-zinc-600 dark:text-zinc-400">Weeks start on Monday; the last one is this week so far. A gap is a week with no data.</p>
        <TrendCharts trend={shapeTrend(trend.points, "week", trend.generatedAt)} caption={`by week, last ${trend.points.length} weeks`} />
      </Card>

      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {summary.method.note} {METRIC_META.reworkRate.label} has no published bands. Generated {summary.generatedAt.replace("T", " ").slice(0, 16)} UTC.
      </p>
    </div>
  );
}
