"use client";

import { Line, LineChart, ResponsiveContainer, YAxis } from "recharts";

/**
 * A tile's weekly trend, oldest to newest; gaps where a week has no data
 * (no data is not zero). Decorative: the tile says the figure and its change
 * in words, and the trend charts below have axes and tooltips.
 */
export function Sparkline({ values }: { values: (number | null)[] }) {
  const data = values.map((v, i) => ({ i, v }));
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <div aria-hidden className="h-10" />;
  return (
    <div aria-hidden className="h-10 w-full text-sky-600 dark:text-sky-400">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 4, right: 2, bottom: 4, left: 2 }} accessibilityLayer={false}>
          <YAxis hide domain={["dataMin", "dataMax"]} />
          <Line type="monotone" dataKey="v" stroke="currentColor" strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
