import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { causeText, IncidentStatusBadge, SeverityBadge } from "@/components/incidents/incident-badges";
import { DeclareIncidentForm } from "@/components/incidents/declare-incident-form";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findTeams } from "@/lib/catalog/server/find-teams";
import { env } from "@/lib/env";
import { SEVERITIES, ZIncidentFiltersSchema, type TIncidentFilters } from "@/lib/incidents/schemas";
import { findDeclarableServices } from "@/lib/incidents/server/find-declarable-services";
import { findIncidents } from "@/lib/incidents/server/find-incidents";
import { formatDuration } from "@/lib/pipelines/board";
import { pageFilters } from "@/lib/schemas";

export const metadata: Metadata = { title: "Incidents" };

const STATUS_OPTIONS: [string, string][] = [
  ["unresolved", "Open or acknowledged"],
  ["open", "Open"],
  ["acknowledged", "Acknowledged"],
  ["resolved", "Resolved"],
];

function query(filters: TIncidentFilters, page: number): string {
  const params = new URLSearchParams();
  for (const key of ["team", "service", "status", "severity"] as const) if (filters[key]) params.set(key, String(filters[key]));
  if (page > 1) params.set("page", String(page));
  return params.toString();
}


export default async function IncidentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const viewer = await requireViewer();
  const filters = pageFilters(await searchParams, ZIncidentFiltersSchema);
  const [page, teams, declarable] = await Promise.all([findIncidents(filters), findTeams(), findDeclarableServices(viewer)]);
  const now = new Date();
  const ruleHours = env().attributionWindowHours;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  return (
    <>
      <AutoRefresh everyMs={15_000} />
      <PageHeader
        title="Incidents"
        description="Opened by alarms, by hand or by your paging tool; open ones first. Each is attributed to the deployment that likely caused it, which feeds the DORA change fail rate and recovery time."
        actions={declarable.length > 0 ? <DeclareIncidentForm services={declarable} defaultService={filters.service} /> : null}
      />
      <form action="/incidents" className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_auto] lg:items-end" aria-label="Filter incidents">
        {filters.service ? <input type="hidden" name="service" value={filters.service} /> : null}
        <FilterSelect name="team" label="Team" value={filters.team} all="All teams" options={teams.map((t) => [t.slug, t.name])} />
        <FilterSelect name="status" label="Status" value={filters.status} all="Any status" options={STATUS_OPTIONS} />
        <FilterSelect name="severity" label="Severity" value={filters.severity} all="Any severity" options={SEVERITIES.map((s) => [s, s])} />
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
          Filter
        </button>
      </form>
      {filters.service ? (
        <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">
          Service <span className="font-mono">{filters.service}</span> only ·{" "}
          <Link href={`/incidents?${query({ ...filters, service: undefined }, 1)}`} className="text-sky-700 hover:underline dark:text-sky-400">
            all services
          </Link>
        </p>
      ) : null}
      {page.incidents.length === 0 ? (
        <EmptyState title={page.total === 0 && !query(filters, 1) ? "No incidents yet" : "No incidents match"}>
          {page.total === 0 && !query(filters, 1)
            ? "Incidents open when an incident-worthy alarm fires, when someone declares one, or when a paging tool posts to /api/incidents."
            : "Try fewer filters."}
        </EmptyState>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full min-w-[48rem] text-sm">
            <caption className="sr-only">Incidents, open first, newest first</caption>
            <thead>
              <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
                <th scope="col" className="px-5 py-3 font-medium">Incident</th>
                <th scope="col" className="py-3 pr-4 font-medium">Status</th>
                <th scope="col" className="py-3 pr-4 font-medium">Opened</th>
                <th scope="col" className="py-3 pr-5 font-medium">Attributed to</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {page.incidents.map((i) => (
                <tr key={i.id} className="align-top" data-testid={`incident-${i.id}`}>
                  <td className="px-5 py-3">
                    <Link href={`/incidents/${i.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                      {i.title}
                    </Link>
                    <span className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
                      <SeverityBadge severity={i.severity} />
                      <Link href={`/services/${i.service.slug}`} className="hover:underline">{i.service.name}</Link>·
                      <Link href={`/teams/${i.team.slug}`} className="hover:underline">{i.team.name}</Link>
                    </span>
                  </td>
                  <td className="py-3 pr-4">
                    <IncidentStatusBadge status={i.status} />
                    <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">
                      {i.durationSeconds !== null ? `lasted ${formatDuration(i.durationSeconds * 1000)}` : `open for ${formatDuration(now.getTime() - Date.parse(i.openedAt))}`}
                    </span>
                  </td>
                  <td className="py-3 pr-4 text-zinc-700 dark:text-zinc-300">
                    <RelativeTime date={new Date(i.openedAt)} now={now} />
                  </td>
                  <td className="py-3 pr-5 text-xs text-zinc-700 dark:text-zinc-300">
                    {i.attribution.deployment ? (
                      <>
                        <span className="font-mono">{i.attribution.deployment.version ?? `deployment ${i.attribution.deployment.id}`}</span>
                        <span className="block text-zinc-500 dark:text-zinc-400">{i.attribution.source === "explicit" ? "linked by hand" : `by the ${ruleHours} h rule`}</span>
                      </>
                    ) : (
                      <span className="text-zinc-500 dark:text-zinc-400">No deployment</span>
                    )}
                    <span className="block text-zinc-500 dark:text-zinc-400">{causeText(i.causedByChange)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      {pages > 1 ? (
        <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm">
          {page.page > 1 ? <Link href={`/incidents?${query(filters, page.page - 1)}`} className="text-sky-700 hover:underline dark:text-sky-400">← Previous</Link> : <span />}
          <span className="text-zinc-600 dark:text-zinc-400">
            Page {page.page} of {pages} ({page.total} incidents)
          </span>
          {page.page < pages ? <Link href={`/incidents?${query(filters, page.page + 1)}`} className="text-sky-700 hover:underline dark:text-sky-400">Next →</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}
