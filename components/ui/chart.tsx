"use client";

import { Bar, BarChart, CartesianGrid, Cell, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { cn } from "@/components/ui/cn";

/**
 * The one chart wrapper: a series over period buckets, as lines or bars,
 * already shaped by the caller (it never fetches and does no metric maths).
 *
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
  className?: string;
}

/**
 * Series colours as CSS variables set on the figure for each theme, so the
 * server's HTML and the browser's agree whatever the theme (a palette picked
 * in JavaScript would differ at hydration). 700s on white, 400s on zinc-900.
 */
const PALETTE_VARIABLES =
  "[--chart-0:#0369a1] [--chart-1:#b45309] [--chart-2:#7e22ce] [--chart-3:#047857] [--chart-4:#be123c] [--chart-surface:#fff] " +
  "dark:[--chart-0:#38bdf8] dark:[--chart-1:#fbbf24] dark:[--chart-2:#c084fc] dark:[--chart-3:#34d399] dark:[--chart-4:#fb7185] dark:[--chart-surface:#18181b]";
const COLOURS = 5;
const SHAPES = ["circle", "square", "triangle", "diamond", "cross"] as const;
type TShape = (typeof SHAPES)[number];

function Marker({ shape, cx, cy, color, isHollow = false, size = 3.5 }: { shape: TShape; cx: number; cy: number; color: string; isHollow?: boolean; size?: number }) {
  // The hollow marker is filled with the card's own colour (a CSS variable the figure sets for each theme).
  const common = { style: { stroke: color, strokeWidth: 1.5, fill: isHollow ? "var(--chart-surface)" : color } };
  switch (shape) {
    case "circle":
      return <circle cx={cx} cy={cy} r={size} {...common} />;
    case "square":
      return <rect x={cx - size} y={cy - size} width={size * 2} height={size * 2} {...common} />;
    case "triangle":
      return <polygon points={`${cx},${cy - size - 1} ${cx + size + 1},${cy + size} ${cx - size - 1},${cy + size}`} {...common} />;
    case "diamond":
      return <polygon points={`${cx},${cy - size - 1} ${cx + size + 1},${cy} ${cx},${cy + size + 1} ${cx - size - 1},${cy}`} {...common} />;
    case "cross":
      return <path d={`M${cx - size},${cy - size}L${cx + size},${cy + size}M${cx - size},${cy + size}L${cx + size},${cy - size}`} style={{ stroke: color, strokeWidth: 2 }} />;
  }
}

const formatValue = (v: number) => (Number.isInteger(v) ? v.toLocaleString("en") : v.toLocaleString("en", { maximumFractionDigits: 2 }));

export function Chart({ kind, title, labels, partial, unit, series, isStacked = false, minSamples = 0, yMax, className }: TChartProps) {
  const colour = (i: number) => `var(--chart-${i % COLOURS})`;
  const shape = (i: number) => SHAPES[i % SHAPES.length]!;

  const hasData = series.some((s) => s.values.some((v) => v !== null && (kind === "line" || v !== 0)));
  const lastWhole = partial.findIndex((p) => p) - 1;
  const summary = [
    `${title}, in ${unit}, ${labels[0] ?? ""} to ${labels.at(-1) ?? ""}${partial.some(Boolean) ? " (the last so far)" : ""}.`,
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
      <div className="rounded border border-zinc-200 bg-white px-2 py-1 text-xs text-zinc-900 shadow-sm dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
        <p className="font-medium">
          {String(point.label)}
          {point.isPartial ? " (so far)" : ""}
        </p>
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
      </div>
    );
  };

  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} vertical={false} />
      <XAxis dataKey="label" tick={{ fontSize: 10, fill: "currentColor" }} minTickGap={12} tickLine={false} />
      <YAxis tick={{ fontSize: 10, fill: "currentColor" }} width={44} tickLine={false} axisLine={false} allowDecimals={unit !== "incidents" && unit !== "action items"} domain={[0, yMax ?? "auto"]} />
      <Tooltip content={tooltip} cursor={{ fill: "currentColor", fillOpacity: 0.06 }} />
    </>
  );

  return (
    <figure className={cn("rounded-lg border border-zinc-200 p-3 dark:border-zinc-800", PALETTE_VARIABLES, className)}>
      <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-xs">
        <span className="font-medium text-zinc-800 dark:text-zinc-200">{title}</span>
        <span className="text-zinc-500 dark:text-zinc-400">{unit}</span>
      </figcaption>
      <div role="img" aria-label={hasData ? summary : `${title}: no data.`} className="h-44 w-full text-zinc-600 dark:text-zinc-400">
        {!hasData ? (
          <p className="grid h-full place-items-center text-sm">No data</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
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
          </ResponsiveContainer>
        )}
      </div>
      <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300" aria-label={`${title}: series`}>
        {series.map((s, k) => (
          <li key={s.key} className="flex items-center gap-1.5">
            <svg aria-hidden width="12" height="12" viewBox="0 0 12 12">
              {kind === "line" ? <Marker shape={shape(k)} cx={6} cy={6} color={colour(k)} /> : <rect x="1" y="1" width="10" height="10" style={{ fill: colour(k) }} />}
            </svg>
            {s.label}
          </li>
        ))}
        {partial.some(Boolean) ? <li className="text-zinc-500 dark:text-zinc-400">{kind === "line" ? "dashed, hollow:" : "pale, outlined:"} so far</li> : null}
      </ul>
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
