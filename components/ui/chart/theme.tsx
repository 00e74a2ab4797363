"use client";

import type { ReactNode } from "react";
import { ResponsiveContainer } from "recharts";
import { cn } from "@/components/ui/cn";

/**
 * What every chart shares: its colours for each theme, the look of its axes,
 * grid and tooltip, and the box that sizes it. The chart kinds
 * (components/ui/chart.tsx and the files beside this one) build on these, so
 * that a chart looks the same wherever it is.
 */

/**
 * Colours as CSS variables set on the chart's box for each theme, so the
 * server's HTML and the browser's agree whatever the theme (a palette picked
 * in JavaScript would differ at hydration). Series: 700s on white, 400s on
 * zinc-900. Tones say what a mark means (a failure, a deployment); 600s on
 * white, 400s on zinc-900.
 */
export const CHART_THEME =
  "[--chart-0:#0369a1] [--chart-1:#b45309] [--chart-2:#7e22ce] [--chart-3:#047857] [--chart-4:#be123c] [--chart-surface:#fff] " +
  "dark:[--chart-0:#38bdf8] dark:[--chart-1:#fbbf24] dark:[--chart-2:#c084fc] dark:[--chart-3:#34d399] dark:[--chart-4:#fb7185] dark:[--chart-surface:#18181b] " +
  "[--chart-info:#0284c7] [--chart-good:#059669] [--chart-bad:#dc2626] [--chart-neutral:#71717a] [--chart-marker:#7c3aed] " +
  "dark:[--chart-info:#38bdf8] dark:[--chart-good:#34d399] dark:[--chart-bad:#f87171] dark:[--chart-neutral:#a1a1aa] dark:[--chart-marker:#a78bfa]";

export const SERIES_COLOURS = 5;
export const seriesColour = (i: number) => `var(--chart-${i % SERIES_COLOURS})`;

/** What a mark means: the usual series colour (info), a success or a failure, nothing in particular, or an event marked on the chart. */
export type TChartTone = "info" | "good" | "bad" | "neutral" | "marker";
export const toneColour = (tone: TChartTone) => `var(--chart-${tone})`;

/** Axes, grid and tooltip cursor, the same on every chart (text in the box's own colour, so it follows the theme). */
export const AXIS_TICK = { fontSize: 10, fill: "currentColor" } as const;
export const GRID_PROPS = { strokeDasharray: "3 3", stroke: "currentColor", strokeOpacity: 0.15 } as const;
export const TOOLTIP_CURSOR = { fill: "currentColor", fillOpacity: 0.06 } as const;
export const TOOLTIP_CURSOR_LINE = { stroke: "currentColor", strokeOpacity: 0.4 } as const;

/** A figure as people read it: whole numbers with separators, others to two decimals at most. */
export const formatChartValue = (v: number) => (Number.isInteger(v) ? v.toLocaleString("en") : v.toLocaleString("en", { maximumFractionDigits: 2 }));

/** Times on a chart are UTC, like everywhere else in the portal. */
export function formatUtc(ms: number, { withDate = false, withYear = false }: { withDate?: boolean; withYear?: boolean } = {}): string {
  const iso = new Date(ms).toISOString();
  const time = iso.slice(11, 16);
  if (withYear) return `${iso.slice(0, 10)} ${time}`;
  return withDate ? `${iso.slice(5, 10)} ${time}` : time;
}

/** The tooltip's box. */
export function TooltipBox({ title, children }: { title: ReactNode; children: ReactNode }) {
  return (
    <div className="rounded border border-zinc-200 bg-white px-2 py-1 text-xs text-zinc-900 shadow-sm dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100">
      <p className="font-medium">{title}</p>
      {children}
    </div>
  );
}

export const SHAPES = ["circle", "square", "triangle", "diamond", "cross"] as const;
export type TShape = (typeof SHAPES)[number];

/** A series' marker: series differ by shape as well as colour. Hollow (filled with the card's colour) for a value so far. */
export function Marker({ shape, cx, cy, color, isHollow = false, size = 3.5 }: { shape: TShape; cx: number; cy: number; color: string; isHollow?: boolean; size?: number }) {
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

/** A legend's sample of a mark: a line (solid or dashed), a bar, or an upright line for an event. Inside a chart's theme (see ChartTheme). */
export function Swatch({ color, kind }: { color: string; kind: "line" | "dashed" | "bar" | "event" }) {
  return (
    <svg aria-hidden width="16" height="12" viewBox="0 0 16 12" className="inline-block shrink-0 align-middle">
      {kind === "bar" ? <rect x="3" y="1" width="10" height="10" style={{ fill: color }} /> : null}
      {kind === "line" || kind === "dashed" ? <line x1="0" y1="6" x2="16" y2="6" style={{ stroke: color, strokeWidth: 2 }} strokeDasharray={kind === "dashed" ? "4 2" : undefined} /> : null}
      {kind === "event" ? <line x1="8" y1="0" x2="8" y2="12" style={{ stroke: color, strokeWidth: 2 }} /> : null}
    </svg>
  );
}

/** Sets the chart colours for each theme on its children (a chart and the legend or text around it). */
export function ChartTheme({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={cn(CHART_THEME, className)}>{children}</div>;
}

/**
 * The box a chart draws in: its size (a height class), the text colour the
 * axes take, the one screen-reader summary (role="img") and the responsive
 * container. `summary`: what the chart shows, in words; `isDecorative`: the
 * figures are said elsewhere on the page, so the chart is hidden from screen readers.
 */
export function ChartBox({
  summary,
  isDecorative = false,
  className,
  testId,
  children,
}: {
  summary?: string;
  isDecorative?: boolean;
  className: string;
  testId?: string;
  children: ReactNode;
}) {
  const a11y = isDecorative ? { "aria-hidden": true } : { role: "img", "aria-label": summary };
  return (
    <div {...a11y} data-testid={testId} className={cn("w-full text-zinc-600 dark:text-zinc-400", CHART_THEME, className)}>
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}
