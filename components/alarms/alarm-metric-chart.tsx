"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { alarmKeys } from "@/components/alarms/alarm-board";
import { METRIC_WINDOWS, type TAlarmMetrics, type TMetricWindow } from "@/lib/alarms/alarm-board";
import { apiFetch } from "@/lib/api-client";

const WINDOW_LABEL: Record<TMetricWindow, string> = { "3h": "3 hours", "12h": "12 hours", "24h": "24 hours", "3d": "3 days", "7d": "7 days" };

const utc = (ms: number, withDate: boolean) => {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
};

/** The chart itself: series already shaped, no fetching. */
export function MetricChart({ metrics }: { metrics: TAlarmMetrics }) {
  const points = (metrics.points ?? []).map((p) => ({ t: Date.parse(p.at), value: p.value }));
  const start = Date.parse(metrics.start);
  const end = Date.parse(metrics.end);
  const isLong = end - start > 24 * 3_600_000;
  const values = points.map((p) => p.value);
  const top = Math.max(...values, metrics.threshold ?? Number.NEGATIVE_INFINITY);
  const deploys = metrics.deployments.map((d) => ({ ...d, t: Date.parse(d.at) }));
  const summary =
    `${metrics.label ?? "Metric"} over the last ${WINDOW_LABEL[metrics.window]}, one point per ${metrics.period / 60} min` +
    (values.length ? `, from ${Math.min(...values).toFixed(2)} to ${Math.max(...values).toFixed(2)}` : "") +
    (metrics.threshold !== null ? `; threshold ${metrics.threshold}` : "") +
    `; ${deploys.length} production deployment${deploys.length === 1 ? "" : "s"} marked.`;
  return (
    <div className="h-72 w-full text-zinc-700 dark:text-zinc-300" role="img" aria-label={summary} data-testid="alarm-metric-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 20, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.15} />
          <XAxis dataKey="t" type="number" scale="time" domain={[start, end]} tickFormatter={(v: number) => utc(v, isLong)} tick={{ fontSize: 11, fill: "currentColor" }} minTickGap={32} />
          <YAxis tick={{ fontSize: 11, fill: "currentColor" }} width={56} domain={[0, Number.isFinite(top) ? Math.ceil(top * 1.1) : "auto"]} />
          <Tooltip labelFormatter={(label) => `${utc(Number(label), true)} UTC`} formatter={(value) => [String(value), metrics.label ?? "Value"]} contentStyle={{ fontSize: 12 }} />
          {metrics.threshold !== null ? (
            <ReferenceLine y={metrics.threshold} stroke="#dc2626" strokeDasharray="6 3" label={{ value: `Threshold ${metrics.threshold}`, position: "insideTopRight", fontSize: 11, fill: "#b91c1c" }} />
          ) : null}
          {deploys.map((d) => (
            <ReferenceLine
              key={d.id}
              x={d.t}
              stroke="#7c3aed"
              strokeWidth={2}
              label={{ value: `Deploy${d.version ? ` ${d.version}` : ""}`, position: "top", fontSize: 11, fill: "#6d28d9" }}
              data-testid="deploy-marker"
            />
          ))}
          <Line dataKey="value" type="monotone" stroke="#0284c7" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** The alarm's metric, fetched on demand (GetMetricData through the portal, cached a minute), with a window to choose. */
export function AlarmMetricPanel({ alarmId }: { alarmId: number }) {
  const [window, setWindow] = useState<TMetricWindow>("24h");
  const metrics = useQuery({
    queryKey: alarmKeys.metrics(alarmId, window),
    queryFn: () => apiFetch<TAlarmMetrics>(`/api/alarms/${alarmId}/metrics?window=${window}`, { method: "GET" }),
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
    retry: 1,
  });
  return (
    <div>
      <div role="group" aria-label="Chart window" className="mb-3 flex flex-wrap gap-1">
        {(Object.keys(METRIC_WINDOWS) as TMetricWindow[]).map((w) => (
          <button
            key={w}
            type="button"
            aria-pressed={w === window}
            onClick={() => setWindow(w)}
            className="rounded-md px-2.5 py-1 text-xs font-medium ring-1 ring-zinc-300 ring-inset hover:bg-zinc-100 aria-pressed:bg-zinc-900 aria-pressed:text-white dark:ring-zinc-700 dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-100 dark:aria-pressed:text-zinc-900"
          >
            {w}
          </button>
        ))}
      </div>
      {metrics.isPending ? (
        <div className="flex h-72 items-center justify-center rounded-md bg-zinc-50 text-sm text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400" role="status">
          Reading the metric from CloudWatch…
        </div>
      ) : metrics.isError ? (
        <div role="alert" className="flex h-72 flex-col items-center justify-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-4 text-center text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <p>Could not read the metric: {metrics.error.message}</p>
          <button type="button" onClick={() => void metrics.refetch()} className="rounded-md px-3 py-1 font-medium underline">
            Try again
          </button>
        </div>
      ) : metrics.data.points === null ? (
        <p className="rounded-md bg-zinc-50 px-4 py-8 text-center text-sm text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">{metrics.data.status}</p>
      ) : (
        <>
          {metrics.data.points.length === 0 ? <p className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">No data points in this window.</p> : null}
          <MetricChart metrics={metrics.data} />
          <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
            <span>
              <span aria-hidden className="mr-1 inline-block h-0.5 w-4 bg-sky-600 align-middle" />
              {metrics.data.label ?? "Metric"}, one point per {metrics.data.period / 60} min (UTC)
            </span>
            {metrics.data.threshold !== null ? (
              <span>
                <span aria-hidden className="mr-1 inline-block h-0 w-4 border-t-2 border-dashed border-red-600 align-middle" />
                Threshold {metrics.data.threshold}
              </span>
            ) : null}
            <span>
              <span aria-hidden className="mr-1 inline-block h-3 w-0.5 bg-violet-600 align-middle" />
              Production deployments of the service
            </span>
          </p>
          {metrics.data.deployments.length ? (
            <ul className="mt-2 space-y-0.5 text-xs" aria-label="Deployments in this window">
              {metrics.data.deployments.map((d) => (
                <li key={d.id}>
                  Deployment {d.version ?? `#${d.id}`} ({d.status.toLowerCase().replace("_", " ")}) finished {d.at.replace("T", " ").slice(0, 16)} UTC
                </li>
              ))}
            </ul>
          ) : null}
        </>
      )}
    </div>
  );
}
