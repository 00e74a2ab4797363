"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { alarmKeys } from "@/components/alarms/alarm-board";
import { ChartTheme, Swatch, TimeChart, toneColour } from "@/components/ui/chart";
import { METRIC_WINDOWS, type TAlarmMetrics, type TMetricWindow } from "@/lib/alarms/alarm-board";
import { apiFetch } from "@/lib/api-client";

const WINDOW_LABEL: Record<TMetricWindow, string> = { "3h": "3 hours", "12h": "12 hours", "24h": "24 hours", "3d": "3 days", "7d": "7 days" };

/** The chart itself: series already shaped, no fetching. */
export function MetricChart({ metrics }: { metrics: TAlarmMetrics }) {
  const points = (metrics.points ?? []).map((p) => ({ at: Date.parse(p.at), value: p.value }));
  const values = points.map((p) => p.value);
  const deploys = metrics.deployments.map((d) => ({ key: String(d.id), at: Date.parse(d.at), label: `Deploy${d.version ? ` ${d.version}` : ""}` }));
  const summary =
    `${metrics.label ?? "Metric"} over the last ${WINDOW_LABEL[metrics.window]}, one point per ${metrics.period / 60} min` +
    (values.length ? `, from ${Math.min(...values).toFixed(2)} to ${Math.max(...values).toFixed(2)}` : "") +
    (metrics.threshold !== null ? `; threshold ${metrics.threshold}` : "") +
    `; ${deploys.length} production deployment${deploys.length === 1 ? "" : "s"} marked.`;
  return (
    <TimeChart
      kind="line"
      summary={summary}
      points={points}
      series={[{ key: "value", label: metrics.label ?? "Value", tone: "info" }]}
      domain={[Date.parse(metrics.start), Date.parse(metrics.end)]}
      thresholds={metrics.threshold !== null ? [{ value: metrics.threshold, label: `Threshold ${metrics.threshold}` }] : []}
      events={deploys}
      className="h-72"
      testId="alarm-metric-chart"
    />
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
          <ChartTheme className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
            <span>
              <Swatch color={toneColour("info")} kind="line" /> {metrics.data.label ?? "Metric"}, one point per {metrics.data.period / 60} min (UTC)
            </span>
            {metrics.data.threshold !== null ? (
              <span>
                <Swatch color={toneColour("bad")} kind="dashed" /> Threshold {metrics.data.threshold}
              </span>
            ) : null}
            <span>
              <Swatch color={toneColour("marker")} kind="event" /> Production deployments of the service
            </span>
          </ChartTheme>
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
