"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { METRIC_META } from "@/components/dora/metric-format";
import type { TTrendShape } from "@/components/dora/trend-series";

/**
 * One small chart per metric over the same buckets. Each chart is labelled
 * with its first and last values for screen readers; the tiles say the
 * current figures in words.
 */
export function TrendCharts({ trend, caption }: { trend: TTrendShape; caption: string }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {trend.series.map((s) => {
        // Whole buckets on a solid line; a bucket so far (the current one) on a dashed one from the last whole bucket.
        const data = trend.labels.map((label, i) => {
          const value = s.values[i] ?? null;
          const isPartial = trend.partial[i] === true;
          const joinsPartial = !isPartial && trend.partial[i + 1] === true;
          return { label, isPartial, v: isPartial ? null : value, p: isPartial || joinsPartial ? value : null, value };
        });
        const known = data.filter((d) => d.value !== null);
        const first = known[0];
        const last = known.at(-1);
        const lastLabel = last ? `${last.label}${last.isPartial ? ", so far" : ""}` : "";
        const summary =
          first && last
            ? `${METRIC_META[s.metric].label} ${caption}, in ${s.unit}: ${first.value} (${first.label}) to ${last.value} (${lastLabel}); ${trend.labels.length - known.length} buckets with no data.`
            : `${METRIC_META[s.metric].label} ${caption}: no data.`;
        return (
          <figure key={s.metric} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <figcaption className="mb-1 flex items-baseline justify-between gap-2 text-xs">
              <span className="font-medium text-zinc-800 dark:text-zinc-200">{METRIC_META[s.metric].label}</span>
              <span className="text-zinc-500 dark:text-zinc-400">{s.unit}</span>
            </figcaption>
            <div role="img" aria-label={summary} className="h-40 w-full text-zinc-600 dark:text-zinc-400">
              {known.length === 0 ? (
                <p className="grid h-full place-items-center text-sm">No data</p>
              ) : (
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: -18 }} accessibilityLayer={false}>
                    <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} vertical={false} />
                    <XAxis dataKey="label" tick={{ fontSize: 10, fill: "currentColor" }} minTickGap={18} tickLine={false} />
                    <YAxis tick={{ fontSize: 10, fill: "currentColor" }} width={48} tickLine={false} axisLine={false} />
                    <Tooltip
                      content={({ active, payload }) => {
                        const point = active ? (payload?.[0]?.payload as (typeof data)[number] | undefined) : undefined;
                        if (!point || point.value === null) return null;
                        return (
                          <div className="rounded border border-zinc-200 bg-white px-2 py-1 text-xs text-zinc-900 shadow-sm dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
                            <p className="font-medium">
                              {point.label}
                              {point.isPartial ? " (so far)" : ""}
                            </p>
                            <p>
                              {METRIC_META[s.metric].short}: {point.value} {s.unit}
                            </p>
                          </div>
                        );
                      }}
                    />
                    <Line type="linear" dataKey="v" stroke="#0284c7" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
                    <Line
                      type="linear"
                      dataKey="p"
                      stroke="#0284c7"
                      strokeWidth={2}
                      strokeDasharray="4 3"
                      dot={(props: { cx?: number; cy?: number; index?: number }) =>
                        data[props.index ?? -1]?.isPartial && props.cx !== undefined && props.cy !== undefined ? (
                          <circle key={props.index} cx={props.cx} cy={props.cy} r={3} className="fill-white dark:fill-zinc-900" stroke="#0284c7" strokeWidth={1.5} />
                        ) : (
                          <g key={props.index} />
                        )
                      }
                      connectNulls={false}
                      isAnimationActive={false}
                    />
                  </LineChart>
                </ResponsiveContainer>
              )}
            </div>
          </figure>
        );
      })}
    </div>
  );
}
