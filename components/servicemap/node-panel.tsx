"use client";

import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import Link from "next/link";
import { formatMs, formatPercent, formatRate } from "@/components/servicemap/format";
import { HealthBadge } from "@/components/servicemap/health";
import { Badge } from "@/components/ui/badge";
import { ChartTheme, Swatch, TimeChart, toneColour } from "@/components/ui/chart";
import { RelativeTime } from "@/components/ui/relative-time";
import { apiFetch } from "@/lib/api-client";
import type { TMapNode, TServiceMapQuery } from "@/lib/servicemap/schemas";
import type { TNodeDetails } from "@/lib/servicemap/server/get-node-details";
import { typeLabel } from "@/lib/servicemap/view";

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mt-5">
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-zinc-600 uppercase dark:text-zinc-400">{title}</h3>
      {children}
    </section>
  );
}

const none = (text: string) => <p className="text-sm text-zinc-600 dark:text-zinc-400">{text}</p>;

/** The side panel of one node: its figures over the window, a chart, and what the catalog knows about its service. */
export function NodePanel({ node, query, onClose }: { node: TMapNode; query: TServiceMapQuery; onClose: () => void }) {
  const search = new URLSearchParams({ window: query.window, ...(query.window === "custom" && query.from && query.to ? { from: query.from, to: query.to } : {}) });
  const { data, error, isPending } = useQuery({
    queryKey: ["servicemap-node", node.id, search.toString()],
    queryFn: () => apiFetch<TNodeDetails>(`/api/servicemap/nodes/${node.id}?${search.toString()}`, { method: "GET" }),
  });
  const stepMinutes = (data?.seriesStepSeconds ?? 300) / 60;
  const points = (data?.series ?? []).map((p) => ({ at: Date.parse(p.at), perMinute: p.requests / stepMinutes, failing: (p.faults + p.errors + p.throttles) / stepMinutes }));
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900" data-testid="node-panel">
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h2 className="truncate text-lg font-semibold">{node.name}</h2>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {typeLabel(node.type)} · {node.accountId} · {node.region}
          </p>
        </div>
        <button type="button" onClick={onClose} aria-label="Close the details" className="rounded p-1 hover:bg-zinc-100 dark:hover:bg-zinc-800">
          <X aria-hidden className="size-4" />
        </button>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <HealthBadge health={node.health} />
        {node.service ? (
          <Link href={`/services/${node.service.slug}`} className="text-sm text-sky-700 underline dark:text-sky-400">
            {node.service.name}
          </Link>
        ) : (
          <span className="text-sm text-zinc-600 dark:text-zinc-400">Not mapped to a catalog service</span>
        )}
        {node.team ? (
          <Link href={`/teams/${node.team.slug}`} className="text-sm text-sky-700 underline dark:text-sky-400">
            {node.team.name}
          </Link>
        ) : null}
      </div>
      <dl className="mt-4 grid grid-cols-3 gap-3 text-sm">
        {[
          ["Requests", formatRate(node.perMinute)],
          ["p50", formatMs(node.p50Ms)],
          ["p95", formatMs(node.p95Ms)],
          ["Faults (5xx)", formatPercent(node.faultRate)],
          ["Errors (4xx)", formatPercent(node.errorRate)],
          ["Throttled", formatPercent(node.throttleRate)],
        ].map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
            <dd className="font-medium tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      {error ? <p className="mt-4 text-sm text-red-700 dark:text-red-400">Could not load the details: {error.message}</p> : null}
      {isPending ? <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">Loading…</p> : null}
      {data ? (
        <>
          <Section title="Requests and failures per minute">
            <TimeChart
              kind="area"
              summary={`Requests per minute over the window, ${points.length} points; failing requests in red.`}
              points={points}
              series={[
                { key: "perMinute", label: "Requests/min", tone: "info" },
                { key: "failing", label: "Failing/min", tone: "bad" },
              ]}
              formatValue={(v) => v.toFixed(1)}
              className="h-32"
            />
            <ChartTheme className="mt-1 flex flex-wrap gap-x-3 text-xs text-zinc-600 dark:text-zinc-400">
              <span>
                <Swatch color={toneColour("info")} kind="bar" /> Requests
              </span>
              <span>
                <Swatch color={toneColour("bad")} kind="bar" /> Failing (faults, errors, throttles)
              </span>
            </ChartTheme>
          </Section>
          <Section title="Alarms and open incidents">
            {data.alarms.length === 0 && data.openIncidents.length === 0 ? none(node.service ? "No alarms or open incidents." : "Only catalog services have alarms and incidents here.") : null}
            <ul className="space-y-1 text-sm">
              {data.openIncidents.map((i) => (
                <li key={`i${i.id}`} className="flex items-center justify-between gap-2">
                  <Link href={`/incidents/${i.id}`} className="truncate text-sky-700 underline dark:text-sky-400">
                    {i.title}
                  </Link>
                  <Badge tone="bad">{i.severity}</Badge>
                </li>
              ))}
              {data.alarms.map((a) => (
                <li key={`a${a.id}`} className="flex items-center justify-between gap-2">
                  <span className="truncate">{a.name}</span>
                  <Badge tone={a.state === "ALARM" ? "bad" : a.state === "OK" ? "good" : "neutral"}>{a.state === "ALARM" ? "In alarm" : a.state === "OK" ? "OK" : "No data"}</Badge>
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Recent deployments">
            {data.deployments.length === 0 ? none(node.service ? "No deployments." : "Only catalog services have deployments.") : null}
            <ul className="space-y-1 text-sm">
              {data.deployments.map((d) => (
                <li key={d.id} className="flex items-center justify-between gap-2">
                  <Link href={`/service-map/compare?deployment=${d.id}`} className="truncate text-sky-700 underline dark:text-sky-400" title="Compare the map before and after it">
                    {d.version ?? `#${d.id}`} <span className="text-zinc-600 dark:text-zinc-400">to {d.environment}</span>
                  </Link>
                  <span className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
                    <Badge tone={d.status === "SUCCEEDED" ? "good" : d.status === "FAILED" ? "bad" : "neutral"}>{d.status.toLowerCase().replace("_", " ")}</Badge>
                    <RelativeTime date={new Date(d.startedAt)} />
                  </span>
                </li>
              ))}
            </ul>
          </Section>
          <Section title="Failing and slow traces">
            {data.traces.length === 0 ? none("No faulty, failing or slow traces collected for it.") : null}
            <ul className="space-y-1 text-sm">
              {data.traces.map((t) => (
                <li key={t.traceId} className="flex items-center justify-between gap-2">
                  <Link href={`/service-map/traces/${t.traceId}`} className="truncate text-sky-700 underline dark:text-sky-400" title={t.httpUrl ?? t.traceId}>
                    {t.httpMethod ?? ""} {t.httpUrl ? new URL(t.httpUrl, "https://x").pathname : t.traceId}
                  </Link>
                  <span className="flex shrink-0 items-center gap-2 text-xs">
                    <span className="tabular-nums">{formatMs(t.durationMs)}</span>
                    <Badge tone={t.reason === "fault" ? "bad" : t.reason === "slow" ? "info" : "warn"}>{t.reason ?? "kept"}</Badge>
                  </span>
                </li>
              ))}
            </ul>
          </Section>
        </>
      ) : null}
    </div>
  );
}
