"use client";

import { Area, AreaChart, CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, ChartBox, formatChartValue, formatUtc, GRID_PROPS, seriesColour, toneColour, TOOLTIP_CURSOR_LINE, TooltipBox, type TChartTone } from "@/components/ui/chart/theme";

export interface TTimeSeries {
  /** The field of each point that holds this series' value. */
  key: string;
  label: string;
  /** Default: the series colours in order. */
  tone?: TChartTone;
}

export interface TTimeChartProps {
  /** What the chart shows, in words, for screen readers. */
  summary: string;
  /** Oldest first; `at`: epoch milliseconds. A null value is a gap (no data), never 0. */
  points: readonly ({ at: number } & Record<string, number | null>)[];
  series: TTimeSeries[];
  kind: "line" | "area";
  /** The time axis, epoch milliseconds; default: from the points. */
  domain?: [number, number];
  /** Horizontal lines at a value, e.g. an alarm's threshold (the axis stretches to show them). */
  thresholds?: { value: number; label: string }[];
  /** Upright lines at a moment, e.g. deployments, labelled above the chart. */
  events?: { key: string; at: number; label: string }[];
  /** Values in the tooltip; default: a plain figure. */
  formatValue?: (value: number) => string;
  /** The box's height (a class). */
  className: string;
  testId?: string;
}

const DAY_MS = 24 * 3_600_000;

/**
 * Values over time, as lines or areas: a metric's points with its threshold
 * and the deployments that may explain a change, or a node's requests and
 * failures. Times are UTC; the axis shows the date once the window is longer
 * than a day.
 */
export function TimeChart({ summary, points, series, kind, domain, thresholds = [], events = [], formatValue = formatChartValue, className, testId }: TTimeChartProps) {
  const first = points[0]?.at;
  const last = points.at(-1)?.at;
  const [start, end] = domain ?? [first ?? 0, last ?? 0];
  const withDate = end - start > DAY_MS;
  const data = points.slice();
  const colour = (s: TTimeSeries, i: number) => (s.tone ? toneColour(s.tone) : seriesColour(i));

  const tooltip = ({ active, payload, label }: { active?: boolean; payload?: readonly { dataKey?: unknown; value?: unknown }[]; label?: unknown }) => {
    if (!active || !payload?.length) return null;
    return (
      <TooltipBox title={`${formatUtc(Number(label), { withYear: true })} UTC`}>
        {series.map((s, i) => {
          const value = payload.find((p) => p.dataKey === s.key)?.value;
          return (
            <p key={s.key} className="flex items-center gap-1.5">
              <span aria-hidden className="inline-block size-2 rounded-full" style={{ background: colour(s, i) }} />
              {s.label}: {typeof value === "number" ? formatValue(value) : "no data"}
            </p>
          );
        })}
      </TooltipBox>
    );
  };

  const parts = [
    <CartesianGrid key="grid" {...GRID_PROPS} vertical={false} />,
    <XAxis
      key="x"
      dataKey="at"
      type="number"
      scale="time"
      domain={[start, end]}
      tickFormatter={(v: number) => formatUtc(v, { withDate })}
      tick={AXIS_TICK}
      tickLine={false}
      minTickGap={32}
    />,
    <YAxis key="y" tick={AXIS_TICK} width={48} tickLine={false} axisLine={false} domain={[0, "auto"]} />,
    <Tooltip key="tooltip" content={tooltip} cursor={TOOLTIP_CURSOR_LINE} />,
    ...thresholds.map((t) => (
      <ReferenceLine
        key={`threshold-${t.value}`}
        y={t.value}
        ifOverflow="extendDomain"
        stroke={toneColour("bad")}
        strokeDasharray="6 3"
        label={{ value: t.label, position: "insideTopRight", fontSize: 10, fill: toneColour("bad") }}
      />
    )),
    ...events.map((e) => (
      <ReferenceLine key={e.key} x={e.at} stroke={toneColour("marker")} strokeWidth={2} label={{ value: e.label, position: "top", fontSize: 10, fill: toneColour("marker") }} />
    )),
  ];
  // Room above the plot for the events' labels.
  const margin = { top: events.length ? 20 : 6, right: 12, bottom: 0, left: -8 };

  return (
    <ChartBox summary={summary} className={className} testId={testId}>
      {kind === "line" ? (
        <LineChart data={data} margin={margin} accessibilityLayer={false}>
          {parts}
          {series.map((s, i) => (
            <Line key={s.key} dataKey={s.key} name={s.label} type="monotone" stroke={colour(s, i)} strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
          ))}
        </LineChart>
      ) : (
        <AreaChart data={data} margin={margin} accessibilityLayer={false}>
          {parts}
          {series.map((s, i) => (
            <Area
              key={s.key}
              dataKey={s.key}
              name={s.label}
              type="monotone"
              stroke={colour(s, i)}
              fill={colour(s, i)}
              fillOpacity={0.15}
              connectNulls={false}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      )}
    </ChartBox>
  );
}
