"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Download, ExternalLink, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { downloadText } from "@/components/dora/download";
import { formatDuration, METRIC_META, toCsv } from "@/components/dora/metric-format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { apiFetch, ApiError } from "@/lib/api-client";
import { ROWS_PAGE_SIZE, type TDoraRow, type TDoraRowIncident, type TDoraRows, type TMetricKey } from "@/lib/dora/schemas";
import { safeHref } from "@/lib/schemas";

/** The rows export stops here: a window with more belongs in a warehouse query, not a browser download. */
const EXPORT_MAX_ROWS = 10_000;
const EXPORT_PAGE_SIZE = 200;

export const doraKeys = {
  rows: (query: string, metric: TMetricKey, page: number) => ["dora", "rows", query, metric, page] as const,
};

const dur = (s: number) => {
  const d = formatDuration(s);
  return `${d.value} ${d.unit}`;
};
const when = (iso: string) => iso.replace("T", " ").slice(0, 16);

/**
 * How an incident came to count against this deployment. A link made by hand names who made it: it may come from
 * another team, whose incident then counts in this team's change fail rate.
 */
function attributionText(incident: TDoraRowIncident): string | null {
  if (incident.attributionSource === "RULE") return "attributed by rule";
  if (incident.attributionSource !== "EXPLICIT") return null;
  const by = incident.attributedBy;
  return by ? `linked by hand, attributed by ${by}` : "linked by hand";
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ROWS_HEADER = [
  "deployment_id", "service", "team", "status", "version", "started_at", "finished_at", "is_failure", "is_rework",
  "lead_times_seconds", "unknown_commits", "recovery_seconds", "is_unrecovered", "incident_ids", "url",
] as const;

function csvRow(r: TDoraRow) {
  return [
    r.deploymentId, r.service.slug, r.team.slug, r.status, r.version, r.startedAt, r.finishedAt, r.isFailure, r.isRework,
    r.leadTimes.join(";"), r.unknownCommits, r.recoverySeconds, r.isUnrecovered, r.incidents.map((i) => i.id).join(";"), r.url,
  ];
}

function rowsPath(query: string, metric: TMetricKey, page: number, pageSize: number) {
  const params = new URLSearchParams(query);
  params.set("metric", metric);
  params.set("page", String(page));
  params.set("pageSize", String(pageSize));
  return `/api/dora/rows?${params}`;
}

/**
 * The deployments (and their incidents) behind one figure, from
 * GET /api/dora/rows, a page at a time; the CSV export walks the pages.
 */
export function FigureRows({ query, metric, closeHref, filenameStem }: { query: string; metric: TMetricKey; closeHref: string; filenameStem: string }) {
  const [page, setPage] = useState(1);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Opened from a tile's link: keyboard and screen-reader users land on the rows, not back at the top.
  useEffect(() => headingRef.current?.focus(), []);
  const [exportState, setExportState] = useState<{ busy: boolean; message: string | null }>({ busy: false, message: null });
  const rows = useQuery({
    queryKey: doraKeys.rows(query, metric, page),
    queryFn: () => apiFetch<TDoraRows>(rowsPath(query, metric, page, ROWS_PAGE_SIZE), { method: "GET" }),
    placeholderData: keepPreviousData,
  });
  const label = METRIC_META[metric].label;
  const data = rows.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  async function onExport() {
    setExportState({ busy: true, message: null });
    try {
      const all: TDoraRow[] = [];
      let total = 0;
      for (let p = 1; all.length < EXPORT_MAX_ROWS; p++) {
        const chunk = await apiFetch<TDoraRows>(rowsPath(query, metric, p, EXPORT_PAGE_SIZE), { method: "GET" });
        total = chunk.total;
        all.push(...chunk.rows);
        if (chunk.rows.length < EXPORT_PAGE_SIZE || all.length >= total) break;
      }
      downloadText(`${filenameStem}-${metric}-rows.csv`, toCsv(ROWS_HEADER, all.slice(0, EXPORT_MAX_ROWS).map(csvRow)));
      setExportState({ busy: false, message: total > EXPORT_MAX_ROWS ? `Exported the first ${EXPORT_MAX_ROWS.toLocaleString("en")} of ${total.toLocaleString("en")} rows.` : null });
    } catch (error) {
      setExportState({ busy: false, message: error instanceof ApiError ? error.message : "The export failed." });
    }
  }

  return (
    <section aria-labelledby="figure-rows-title" className="rounded-xl border border-sky-200 bg-white shadow-sm dark:border-sky-900 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
        <div>
          <h2 id="figure-rows-title" ref={headingRef} tabIndex={-1} className="font-semibold outline-none">
            Rows behind {label.toLowerCase()}
          </h2>
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {data ? `${data.total.toLocaleString("en")} deployment${data.total === 1 ? "" : "s"}, ${data.window.from} to ${data.window.to}` : "Loading…"}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Button onClick={onExport} disabled={exportState.busy || !data || data.total === 0}>
            <Download aria-hidden className="size-4" />
            {exportState.busy ? "Exporting…" : "Download rows (CSV)"}
          </Button>
          <Link href={closeHref} scroll={false} className="inline-flex items-center gap-1 rounded-md px-2 py-1.5 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800">
            <X aria-hidden className="size-4" />
            Close<span className="sr-only"> the rows</span>
          </Link>
        </div>
      </div>
      {exportState.message ? (
        <p role="status" className="px-5 pt-3 text-sm text-zinc-700 dark:text-zinc-300">
          {exportState.message}
        </p>
      ) : null}
      {rows.isError ? (
        <p role="alert" className="px-5 py-6 text-sm text-red-800 dark:text-red-300">
          The rows could not load: {rows.error instanceof Error ? rows.error.message : "unknown error"}.{" "}
          <button type="button" className="underline" onClick={() => rows.refetch()}>
            Try again
          </button>
        </p>
      ) : !data ? (
        <div role="status" className="space-y-2 p-5">
          <span className="sr-only">Loading the rows…</span>
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="h-8 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
          ))}
        </div>
      ) : data.total === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-zinc-600 dark:text-zinc-400">No deployments behind this figure in the window.</p>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-sm" aria-busy={rows.isFetching}>
              <caption className="sr-only">Deployments behind {label.toLowerCase()}, page {data.page} of {pages}</caption>
              <thead>
                <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                  {["Deployment", "Finished (UTC)", "Status", "Lead time", "Recovery", "Incidents"].map((h) => (
                    <th key={h} scope="col" className="px-5 py-2 font-medium">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {data.rows.map((r) => {
                  const lead = median(r.leadTimes);
                  return (
                    <tr key={r.deploymentId} className="align-top">
                      <td className="px-5 py-2">
                        <Link href={`/services/${r.service.slug}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                          {r.service.name}
                        </Link>
                        <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                          #{r.deploymentId}
                          {r.version ? ` · ${r.version}` : ""} · {r.team.name}
                          {r.url ? (
                            <>
                              {" · "}
                              <a href={safeHref(r.url)} rel="noreferrer" className="inline-flex items-center gap-0.5 hover:underline">
                                open
                                <ExternalLink aria-hidden className="size-3" />
                                <span className="sr-only"> deployment {r.deploymentId} at its source</span>
                              </a>
                            </>
                          ) : null}
                        </span>
                      </td>
                      <td className="px-5 py-2 whitespace-nowrap tabular-nums">{when(r.finishedAt)}</td>
                      <td className="px-5 py-2">
                        <span className="flex flex-wrap gap-1">
                          <DeploymentStatusBadge status={r.status} />
                          {r.isFailure && r.status === "SUCCEEDED" ? <Badge tone="bad">Change failure</Badge> : null}
                          {r.isRework ? <Badge tone="warn">Rework</Badge> : null}
                        </span>
                      </td>
                      <td className="px-5 py-2 text-xs">
                        {lead === null ? <span className="text-zinc-500 dark:text-zinc-400">—</span> : `${dur(lead)} (${r.leadTimes.length} commit${r.leadTimes.length === 1 ? "" : "s"})`}
                        {r.unknownCommits > 0 ? <span className="block text-zinc-500 dark:text-zinc-400">{r.unknownCommits} with unknown time</span> : null}
                      </td>
                      <td className="px-5 py-2 text-xs">
                        {r.recoverySeconds !== null ? dur(r.recoverySeconds) : r.isUnrecovered ? <Badge tone="bad">Not recovered</Badge> : <span className="text-zinc-500 dark:text-zinc-400">—</span>}
                      </td>
                      <td className="px-5 py-2 text-xs">
                        {r.incidents.length === 0 ? (
                          <span className="text-zinc-500 dark:text-zinc-400">—</span>
                        ) : (
                          <ul className="space-y-0.5">
                            {r.incidents.map((i) => (
                              <li key={i.id}>
                                #{i.id} {i.title}
                                <span className="block text-zinc-500 dark:text-zinc-400">
                                  {i.resolvedAt ? `resolved ${when(i.resolvedAt)}` : "open"}
                                  {attributionText(i) ? ` · ${attributionText(i)}` : ""}
                                  {i.causedByChange === false ? " · not caused by a change" : ""}
                                </span>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <nav aria-label="Rows pages" className="flex items-center justify-between gap-3 border-t border-zinc-200 px-5 py-3 text-sm dark:border-zinc-800">
            <span className="text-zinc-600 dark:text-zinc-400">
              Page {data.page} of {pages}
            </span>
            <span className="flex gap-2">
              <Button onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page <= 1 || rows.isFetching}>
                Previous page
              </Button>
              <Button onClick={() => setPage((p) => Math.min(pages, p + 1))} disabled={page >= pages || rows.isFetching}>
                Next page
              </Button>
            </span>
          </nav>
        </>
      )}
    </section>
  );
}
