"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

interface TPoint {
  executionId: string;
  startedAt: string;
  minutes: number;
  status: string;
}

const COLOURS: Record<string, string> = { SUCCEEDED: "#059669", FAILED: "#dc2626", IN_PROGRESS: "#0284c7" };

/** Minutes per execution, oldest to newest; the table below has the same figures for screen readers. */
export function DurationChart({ points }: { points: TPoint[] }) {
  return (
    <div className="h-56 w-full" role="img" aria-label={`Durations of the last ${points.length} executions, in minutes; red bars failed.`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} vertical={false} />
          <XAxis dataKey="startedAt" tickFormatter={(v: string) => v.slice(5, 10)} tick={{ fontSize: 11, fill: "currentColor" }} minTickGap={24} />
          <YAxis tick={{ fontSize: 11, fill: "currentColor" }} unit=" m" />
          <Tooltip
            formatter={(value) => [`${String(value)} min`, "Duration"]}
            labelFormatter={(label) => new Date(String(label)).toISOString().replace("T", " ").slice(0, 16) + " UTC"}
            contentStyle={{ fontSize: 12 }}
          />
          <Bar dataKey="minutes" isAnimationActive={false}>
            {points.map((p) => (
              <Cell key={p.executionId} fill={COLOURS[p.status] ?? "#71717a"} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
