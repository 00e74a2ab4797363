"use client";

import { ItemBarChart, type TChartTone } from "@/components/ui/chart";

interface TPoint {
  executionId: string;
  startedAt: string;
  minutes: number;
  status: string;
}

const TONES: Record<string, TChartTone> = { SUCCEEDED: "good", FAILED: "bad", IN_PROGRESS: "info" };
const LEGEND: { tone: TChartTone; label: string }[] = [
  { tone: "good", label: "Succeeded" },
  { tone: "bad", label: "Failed" },
  { tone: "info", label: "Running" },
  { tone: "neutral", label: "Other" },
];

/** Minutes per execution, oldest to newest; the table below has the same figures for screen readers. */
export function DurationChart({ points }: { points: TPoint[] }) {
  return (
    <ItemBarChart
      summary={`Durations of the last ${points.length} executions, in minutes; red bars failed.`}
      items={points.map((p) => ({
        key: p.executionId,
        label: p.startedAt.slice(5, 10),
        title: `${p.startedAt.replace("T", " ").slice(0, 16)} UTC`,
        value: p.minutes,
        tone: TONES[p.status] ?? "neutral",
      }))}
      unit="min"
      tones={LEGEND}
      className="h-56"
    />
  );
}
