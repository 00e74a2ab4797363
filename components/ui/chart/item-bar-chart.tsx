"use client";

import { Bar, BarChart, CartesianGrid, Cell, Tooltip, XAxis, YAxis } from "recharts";
import { AXIS_TICK, ChartBox, ChartTheme, formatChartValue, GRID_PROPS, Swatch, toneColour, TOOLTIP_CURSOR, TooltipBox, type TChartTone } from "@/components/ui/chart/theme";

export interface TItemBar {
  key: string;
  /** Under the bar (short). */
  label: string;
  /** The tooltip's title (in full). */
  title: string;
  value: number;
  /** What became of the item: its bar's colour, named in the legend. */
  tone: TChartTone;
}

export interface TItemBarChartProps {
  /** What the chart shows, in words, for screen readers. */
  summary: string;
  /** Oldest first. */
  items: readonly TItemBar[];
  /** E.g. "min"; shown on the axis and in the tooltip. */
  unit: string;
  /** What each tone means, in the legend's order (only the tones present are listed). */
  tones: readonly { tone: TChartTone; label: string }[];
  /** The box's height (a class). */
  className: string;
}

/** One bar per item (a pipeline's executions, oldest to newest), coloured by what became of it. */
export function ItemBarChart({ summary, items, unit, tones, className }: TItemBarChartProps) {
  const toneLabel = new Map(tones.map((t) => [t.tone, t.label]));
  const present = tones.filter((t) => items.some((i) => i.tone === t.tone));
  const tooltip = ({ active, payload }: { active?: boolean; payload?: readonly { payload?: unknown }[] }) => {
    const item = active ? (payload?.[0]?.payload as TItemBar | undefined) : undefined;
    if (!item) return null;
    return (
      <TooltipBox title={item.title}>
        <p>
          {formatChartValue(item.value)} {unit}
          {toneLabel.has(item.tone) ? ` · ${toneLabel.get(item.tone)}` : ""}
        </p>
      </TooltipBox>
    );
  };
  return (
    <ChartTheme>
      <ChartBox summary={summary} className={className}>
        <BarChart data={items as TItemBar[]} margin={{ top: 8, right: 8, bottom: 0, left: -8 }} accessibilityLayer={false}>
          <CartesianGrid {...GRID_PROPS} vertical={false} />
          <XAxis dataKey="key" tickFormatter={(key: string) => items.find((i) => i.key === key)?.label ?? ""} tick={AXIS_TICK} tickLine={false} minTickGap={24} />
          <YAxis tick={AXIS_TICK} width={52} tickLine={false} axisLine={false} unit={` ${unit}`} />
          <Tooltip content={tooltip} cursor={TOOLTIP_CURSOR} />
          <Bar dataKey="value" isAnimationActive={false}>
            {items.map((i) => (
              <Cell key={i.key} fill={toneColour(i.tone)} />
            ))}
          </Bar>
        </BarChart>
      </ChartBox>
      {present.length > 1 ? (
        <ul className="mt-2 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-700 dark:text-zinc-300" aria-label="Bar colours">
          {present.map((t) => (
            <li key={t.tone} className="flex items-center gap-1">
              <Swatch color={toneColour(t.tone)} kind="bar" />
              {t.label}
            </li>
          ))}
        </ul>
      ) : null}
    </ChartTheme>
  );
}
