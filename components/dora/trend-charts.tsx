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
        const data = trend.labels.map((label, i) => ({ label, v: s.values[i] ?? null }));
        const known = data.filter((d) => d.v !== null);
        const first = known[0];
        const last = known.at(-1);
        const summary =
          first && last
            ? `${METRIC_META[s.metric].label} ${caption}, in ${s.unit}: ${first.v} (${first.label}) to ${last.v} (${last.label}); ${trend.labels.length - known.length} buckets with no data.`
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
                      formatter={(value) => [`${String(value)} ${s.unit}`, METRIC_META[s.metric].short]}
                      contentStyle={{ fontSize: 12, background: "var(--color-tooltip-bg, #fff)", color: "#18181b" }}
                    />
                    <Line type="linear" dataKey="v" stroke="#0284c7" strokeWidth={2} dot={{ r: 2 }} connectNulls={false} isAnimationActive={false} />
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
