"use client";

import { Bar, BarChart, CartesianGrid, Cell, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import {
  AXIS_TICK,
  CHART_THEME,
  ChartBox,
  formatChartValue as formatValue,
  GRID_PROPS,
  Marker,
  seriesColour as colour,
  SHAPES,
  TOOLTIP_CURSOR,
  TooltipBox,
} from "@/components/ui/chart/theme";
import { cn } from "@/components/ui/cn";

export { ChartTheme, Swatch, toneColour, type TChartTone } from "@/components/ui/chart/theme";
export { ItemBarChart, type TItemBar, type TItemBarChartProps } from "@/components/ui/chart/item-bar-chart";
export { Sparkline } from "@/components/ui/chart/sparkline";
export { TimeChart, type TTimeChartProps, type TTimeSeries } from "@/components/ui/chart/time-chart";

/**
 * The one chart wrapper. Every chart in the portal is drawn by it, already
 * shaped by the caller (it never fetches and does no metric maths); recharts
 * is imported here and in components/ui/chart/ only (a lint rule says so).
 * It owns the responsive container, the colours of each theme, the axes and
 * tooltips. The kinds:
 * - `Chart` (below): a series over period buckets (weeks, months), as lines or bars;
 * - `TimeChart`: values over time, as lines or areas, with thresholds and events marked;
 * - `ItemBarChart`: one bar per item (an execution), coloured by what became of it;
 * - `Sparkline`: a tile's decorative trend.
 *
 * `Chart`'s conventions:
 * Its conventions, the same on every chart:
 * - no data is a gap (null), never a drop to 0;
 * - the bucket that is not over (the current week or month) is drawn apart:
 *   a dashed line from the last whole bucket and a hollow marker, or a pale
 *   outlined bar, and "so far" in the tooltip and the figures;
 * - series differ by marker shape as well as colour, named in the legend;
 * - values from fewer than `minSamples` samples say so in the tooltip;
 * - a screen-reader summary (role="img") and every figure in a table behind
 *   "Figures", for keyboards and screen readers alike.
 */

export interface TChartSeries {
  key: string;
  label: string;
  /** Per bucket, oldest first; null: no data. */
  values: (number | null)[];
  /** The sample size behind each value. */
  samples?: number[];
}

export interface TChartProps {
  kind: "line" | "bar";
  /** What the chart shows, in a few words (the figure's caption). */
  title: string;
  labels: string[];
  /** Per bucket: not over yet. */
  partial: boolean[];
  unit: string;
  series: TChartSeries[];
  /** Bars: stacked as parts of a whole (else side by side). */
  isStacked?: boolean;
  minSamples?: number;
  /** The y axis's top (e.g. 100 for percentages); default: from the data. */
  yMax?: number;
  /** Said after the title to screen readers, e.g. "by week, last 12 weeks". */
  caption?: string;
  className?: string;
}

export function Chart({ kind, title, labels, partial, unit, series, isStacked = false, minSamples = 0, yMax, caption, className }: TChartProps) {
  const shape = (i: number) => SHAPES[i % SHAPES.length]!;

  const hasData = series.some((s) => s.values.some((v) => v !== null && (kind === "line" || v !== 0)));
  const lastWhole = partial.findIndex((p) => p) - 1;
  const summary = [
    `${title}${caption ? ` ${caption}` : ""}, in ${unit}, ${labels[0] ?? ""} to ${labels.at(-1) ?? ""}${partial.some(Boolean) ? " (the last so far)" : ""}.`,
    ...series.map((s) => {
      const known = s.values.map((v, i) => [v, i] as const).filter(([v]) => v !== null);
      if (known.length === 0) return `${s.label}: no data.`;
      const [first, fi] = known[0]!;
      const [last, li] = known.at(-1)!;
      return `${s.label}: ${formatValue(first!)} (${labels[fi]}) to ${formatValue(last!)} (${labels[li]}${partial[li] ? ", so far" : ""}).`;
    }),
  ].join(" ");

  const data = labels.map((label, i) => {
    const point: Record<string, string | number | boolean | null> = { label, isPartial: partial[i] === true };
    series.forEach((s, k) => {
      const value = s.values[i] ?? null;
      point[`raw${k}`] = value;
      if (kind === "line") {
        // Whole buckets on a solid line; the bucket so far on a dashed one from the last whole bucket.
        point[`v${k}`] = partial[i] ? null : value;
        point[`p${k}`] = partial[i] || i === lastWhole ? value : null;
      } else point[`b${k}`] = value;
    });
    return point;
  });

  const tooltip = ({ active, payload }: { active?: boolean; payload?: readonly { payload?: unknown }[] }) => {
    const point = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
    if (!point) return null;
    const index = labels.indexOf(String(point.label));
    return (
      <TooltipBox title={`${String(point.label)}${point.isPartial ? " (so far)" : ""}`}>
        {series.map((s, k) => {
          const value = point[`raw${k}`];
          const n = s.samples?.[index];
          return (
            <p key={s.key} className="flex items-center gap-1.5">
              <svg aria-hidden width="10" height="10" viewBox="0 0 10 10">
                <Marker shape={shape(k)} cx={5} cy={5} color={colour(k)} size={3} />
              </svg>
              {s.label}: {typeof value === "number" ? `${formatValue(value)} ${unit}` : "no data"}
              {n !== undefined && kind === "line" ? <span className="text-zinc-500 dark:text-zinc-400">(n = {n}{n > 0 && n < minSamples ? ", few samples" : ""})</span> : null}
            </p>
          );
        })}
      </TooltipBox>
    );
  };

  const axes = (
    <>
      <CartesianGrid {...GRID_PROPS} vertical={false} />
      <XAxis dataKey="label" tick={AXIS_TICK} minTickGap={12} tickLine={false} />
      <YAxis tick={AXIS_TICK} width={44} tickLine={false} axisLine={false} allowDecimals={unit !== "incidents" && unit !== "action items"} domain={[0, yMax ?? "auto"]} />
      <Tooltip content={tooltip} cursor={TOOLTIP_CURSOR} />
    </>
  );

  return (
    <figure className={cn("rounded-lg border border-zinc-200 p-3 dark:border-zinc-800", CHART_THEME, className)}>
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium text-zinc-800 dark:text-zinc-200">{title}</span>
        <span className="text-zinc-500 dark:text-zinc-400">{unit}</span>
      </figcaption>
      {!hasData ? (
        <div role="img" aria-label={`${title}: no data.`} className="h-44 w-full text-zinc-600 dark:text-zinc-400">
          <p className="grid h-full place-items-center text-sm">No data</p>
        </div>
      ) : (
        <ChartBox summary={summary} className="h-44">
          {kind === "line" ? (
            <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: -12 }} accessibilityLayer={false}>
              {axes}
              {series.flatMap((s, k) => [
                <Line
                  key={`v${s.key}`}
                  type="linear"
                  dataKey={`v${k}`}
                  name={s.label}
                  stroke={colour(k)}
                  strokeWidth={2}
                  connectNulls={false}
                  isAnimationActive={false}
                  dot={(p: { cx?: number; cy?: number; index?: number; value?: unknown }) =>
                    p.cx !== undefined && p.cy !== undefined && typeof p.value === "number" ? <Marker key={p.index} shape={shape(k)} cx={p.cx} cy={p.cy} color={colour(k)} /> : <g key={p.index} />
                  }
                  activeDot={false}
                />,
                <Line
                  key={`p${s.key}`}
                  type="linear"
                  dataKey={`p${k}`}
                  name={`${s.label} (so far)`}
                  stroke={colour(k)}
                  strokeWidth={2}
                  strokeDasharray="4 3"
                  connectNulls={false}
                  isAnimationActive={false}
                  dot={(p: { cx?: number; cy?: number; index?: number }) =>
                    data[p.index ?? -1]?.isPartial && p.cx !== undefined && p.cy !== undefined && typeof data[p.index!]?.[`raw${k}`] === "number" ? (
                      <Marker key={p.index} shape={shape(k)} cx={p.cx} cy={p.cy} color={colour(k)} isHollow />
                    ) : (
                      <g key={p.index} />
                    )
                  }
                  activeDot={false}
                  legendType="none"
                />,
              ])}
            </LineChart>
          ) : (
            <BarChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: -12 }} accessibilityLayer={false}>
              {axes}
              {series.map((s, k) => (
                <Bar key={s.key} dataKey={`b${k}`} name={s.label} stackId={isStacked ? "stack" : undefined} fill={colour(k)} isAnimationActive={false}>
                  {data.map((d, i) => (
                    <Cell key={i} fillOpacity={d.isPartial ? 0.35 : 1} stroke={d.isPartial ? colour(k) : undefined} strokeDasharray={d.isPartial ? "3 2" : undefined} />
                  ))}
                </Bar>
              ))}
            </BarChart>
          )}
        </ChartBox>
      )}
      {/* A single series is the title's: the legend then only says how the bucket so far is drawn. */}
      {series.length > 1 || partial.some(Boolean) ? (
        <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300" aria-label={`${title}: series`}>
          {(series.length > 1 ? series : []).map((s, k) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <svg aria-hidden width="12" height="12" viewBox="0 0 12 12">
                {kind === "line" ? <Marker shape={shape(k)} cx={6} cy={6} color={colour(k)} /> : <rect x="1" y="1" width="10" height="10" style={{ fill: colour(k) }} />}
              </svg>
              {s.label}
            </li>
          ))}
          {partial.some(Boolean) ? <li className="text-zinc-500 dark:text-zinc-400">{kind === "line" ? "dashed, hollow:" : "pale, outlined:"} so far</li> : null}
        </ul>
      ) : null}
      <details className="mt-2 text-xs">
        <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Figures</summary>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left tabular-nums">
            <caption className="sr-only">{`${title}, in ${unit}`}</caption>
            <thead>
              <tr className="text-zinc-500 dark:text-zinc-400">
                <th scope="col" className="py-1 pr-3 font-medium">Period</th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="py-1 pr-3 font-medium">{s.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) => (
                <tr key={label} className="border-t border-zinc-100 dark:border-zinc-800">
                  <th scope="row" className="py-1 pr-3 font-normal">
                    {label}
                    {partial[i] ? " (so far)" : ""}
                  </th>
                  {series.map((s) => {
                    const v = s.values[i] ?? null;
                    const n = s.samples?.[i];
                    return (
                      <td key={s.key} className="py-1 pr-3">
                        {v === null ? "—" : formatValue(v)}
                        {kind === "line" && n !== undefined && v !== null ? <span className="text-zinc-500 dark:text-zinc-400"> (n = {n})</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
