"use client";

import { Line, LineChart, YAxis } from "recharts";
import { ChartBox, toneColour, type TChartTone } from "@/components/ui/chart/theme";

/**
 * A small trend, oldest to newest, with gaps where there is no data (no data
 * is not zero). Decorative: whatever shows it says the figure in words, and
 * the full charts have axes and tooltips. Nothing to draw under two values.
 */
export function Sparkline({ values, tone = "info", className = "h-10" }: { values: readonly (number | null)[]; tone?: TChartTone; className?: string }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <div aria-hidden className={className} />;
  const data = values.map((v, i) => ({ i, v }));
  return (
    <ChartBox isDecorative className={className}>
      <LineChart data={data} margin={{ top: 4, right: 2, bottom: 4, left: 2 }} accessibilityLayer={false}>
        <YAxis hide domain={["dataMin", "dataMax"]} />
        <Line type="monotone" dataKey="v" stroke={toneColour(tone)} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
      </LineChart>
    </ChartBox>
  );
}
