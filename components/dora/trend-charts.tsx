"use client";

import { METRIC_META } from "@/components/dora/metric-format";
import type { TTrendShape } from "@/components/dora/trend-series";
import { Chart } from "@/components/ui/chart";

/**
 * One small chart per metric over the same buckets, the bucket so far drawn
 * apart. Each chart says its first and last values to screen readers and
 * has its figures behind "Figures"; the tiles say the current figures in words.
 */
export function TrendCharts({ trend, caption }: { trend: TTrendShape; caption: string }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {trend.series.map((s) => (
        <Chart
          key={s.metric}
          kind="line"
          title={METRIC_META[s.metric].label}
          caption={caption}
          labels={trend.labels}
          partial={trend.partial}
          unit={s.unit}
          series={[{ key: s.metric, label: METRIC_META[s.metric].short, values: s.values }]}
        />
      ))}
    </div>
  );
}
