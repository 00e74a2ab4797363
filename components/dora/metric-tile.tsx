import Link from "next/link";
import { TableProperties } from "lucide-react";
import { BandBadge } from "@/components/dora/band-badge";
import { ChangeIndicator } from "@/components/dora/change-indicator";
import { figureChange, formatDuration, formatFigure, formatPercent, METRIC_META, sampleText } from "@/components/dora/metric-format";
import { Sparkline } from "@/components/ui/chart";
import type { TDoraMetrics, TMetricKey } from "@/lib/dora/schemas";

const dur = (s: number | null) => {
  if (s === null) return "—";
  const d = formatDuration(s);
  return `${d.value} ${d.unit}`;
};

/** The small print under a figure: what it is made of, in the metric's own terms. */
function details(metric: TMetricKey, m: TDoraMetrics): string[] {
  switch (metric) {
    case "deploymentFrequency": {
      const f = m.deploymentFrequency;
      return [
        `${f.deployments.toLocaleString("en")} deployments on ${f.deploymentDays} of ${m.window.days} days`,
        f.medianDeploymentDaysPerWeek === null ? "" : `median ${f.medianDeploymentDaysPerWeek} deployment day${f.medianDeploymentDaysPerWeek === 1 ? "" : "s"} a week`,
      ];
    }
    case "leadTime": {
      const f = m.leadTime;
      return [
        f.p90 === null ? "" : `p90 ${dur(f.p90)}`,
        f.coverage.ratio === null ? "" : `lead time known for ${formatPercent(f.coverage.ratio)} of deployments`,
        f.unknownCommits > 0 ? `${f.unknownCommits.toLocaleString("en")} commit${f.unknownCommits === 1 ? "" : "s"} with unknown time left out` : "",
      ];
    }
    case "changeFailRate":
      return [`${m.changeFailRate.numerator.toLocaleString("en")} of ${m.changeFailRate.deployments.toLocaleString("en")} deployments failed`];
    case "recoveryTime": {
      const f = m.recoveryTime;
      return [f.p90 === null ? "" : `p90 ${dur(f.p90)}`, f.unrecovered > 0 ? `${f.unrecovered} failure${f.unrecovered === 1 ? "" : "s"} not recovered yet` : ""];
    }
    case "reworkRate":
      return [`${m.reworkRate.numerator.toLocaleString("en")} of ${m.reworkRate.deployments.toLocaleString("en")} deployments were fixes`];
  }
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** What the rows link opens, counted where the count is known. */
function rowsLabel(metric: TMetricKey, m: TDoraMetrics): string {
  switch (metric) {
    case "deploymentFrequency":
      return `See the ${plural(m.deploymentFrequency.deployments, "deployment", "deployments")}`;
    case "leadTime":
      return "See the deployments and their commits";
    case "changeFailRate":
    case "recoveryTime":
      return `See the ${plural(m.changeFailRate.numerator, "failed deployment", "failed deployments")}`;
    case "reworkRate":
      return `See the ${plural(m.reworkRate.numerator, "rework deployment", "rework deployments")}`;
  }
}

/** One DORA figure as a tile: value in human terms, band in words, sample size, trend and change, and the rows behind it one click away. */
export function MetricTile({ metric, current, previous, trend, rowsHref, isOpen }: {
  metric: TMetricKey;
  current: TDoraMetrics;
  previous: TDoraMetrics;
  /** Weekly values for the sparkline, oldest first. */
  trend: (number | null)[];
  rowsHref: string;
  isOpen: boolean;
}) {
  const meta = METRIC_META[metric];
  const figure = current[metric];
  const shown = formatFigure(metric, figure);
  const change = figureChange(metric, figure, previous[metric]);
  const hasBands = metric !== "reworkRate";
  const id = `tile-${metric}`;
  return (
    <article aria-labelledby={id} data-testid={id} className="flex flex-col rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <h3 id={id} className="min-h-10 text-sm leading-5 font-medium text-zinc-700 dark:text-zinc-300" title={meta.definition}>
        {meta.label}
      </h3>
      <p className="mt-1 flex flex-wrap items-baseline gap-x-1.5">
        {shown ? (
          <>
            <span className="text-3xl font-semibold tracking-tight tabular-nums">{shown.value}</span>
            <span className="text-sm text-zinc-600 dark:text-zinc-400">{shown.unit}</span>
          </>
        ) : (
          <span className="text-2xl font-semibold text-zinc-500 dark:text-zinc-400">No data</span>
        )}
      </p>
      <p className="mt-2 flex min-h-5 flex-wrap items-center gap-x-1.5 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        {shown ? <BandBadge band={figure.band} isLowSample={figure.isLowSample} hasBands={hasBands} /> : null}
        {hasBands ? <span>DORA {figure.bandYear}</span> : null}
      </p>
      <p className="mt-1.5 text-xs">
        {figure.sampleSize === 0 ? (
          <span className="text-zinc-600 dark:text-zinc-400">no {meta.sampleNoun[1]} in the window</span>
        ) : figure.isLowSample ? (
          <span className="font-medium text-amber-800 dark:text-amber-300">
            from {sampleText(metric, figure.sampleSize)}
            {hasBands && shown ? " — too few for a band" : " — low confidence"}
          </span>
        ) : (
          <span className="text-zinc-600 dark:text-zinc-400">from {sampleText(metric, figure.sampleSize)}</span>
        )}
      </p>
      <p className="mt-1 text-xs leading-5">
        {change ? (
          <>
            <ChangeIndicator change={change} />
            <span className="block text-zinc-500 dark:text-zinc-400">vs previous {current.window.days} days</span>
          </>
        ) : (
          <span className="text-zinc-500 dark:text-zinc-400">No figure for the previous {current.window.days} days to compare</span>
        )}
      </p>
      <div className="mt-2">
        <Sparkline values={trend} />
      </div>
      <ul className="mt-1 space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400">
        {(shown ? details(metric, current) : [])
          .filter(Boolean)
          .map((line) => (
            <li key={line}>{line}</li>
          ))}
      </ul>
      <div className="mt-auto pt-3">
        {current.deploymentFrequency.deployments === 0 ? null : (
          <Link
            href={rowsHref}
            scroll={false}
            aria-current={isOpen ? "true" : undefined}
            className="inline-flex items-center gap-1 text-sm font-medium text-sky-700 hover:underline dark:text-sky-400"
          >
            <TableProperties aria-hidden className="size-4" />
            {rowsLabel(metric, current)}
            <span className="sr-only"> behind {meta.label.toLowerCase()}</span>
          </Link>
        )}
      </div>
    </article>
  );
}
