import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { PipelineBoard } from "@/components/pipelines/pipeline-board";
import { inputClass, labelClass } from "@/components/ui/button";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { holdsEverywhere, teamsHolding } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";
import { ZBoardFiltersSchema, type TBoardFilters } from "@/lib/pipelines/board";
import { findPipelines } from "@/lib/pipelines/server/find-pipelines";
import { awsFilterOptions } from "@/lib/aws/server/aws-filter-options";
import { pageFilters } from "@/lib/schemas";

export const metadata: Metadata = { title: "Pipelines" };

const STATUS_OPTIONS: [string, string][] = [
  ["failed", "Failed"],
  ["in_progress", "Running"],
  ["succeeded", "Succeeded"],
  ["other", "Other"],
];


export default async function PipelinesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const viewer = await requireViewer();
  const filters: TBoardFilters = pageFilters(await searchParams, ZBoardFiltersSchema);
  const [initial, options, approvable] = await Promise.all([
    findPipelines(filters),
    awsFilterOptions("pipelines"),
    holdsEverywhere(viewer, "pipeline.approve") ? null : findTeamOptions({ teamIds: teamsHolding(viewer, "pipeline.approve") }),
  ]);
  return (
    <>
      <PageHeader
        title="Pipelines"
        description="Every CodePipeline pipeline across your AWS accounts and regions, failures first. The board refreshes itself while open."
        actions={<Link href="/settings/sync" className="text-sm text-sky-700 hover:underline dark:text-sky-400">Sync status</Link>}
      />
      <form action="/pipelines" className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_1fr_1.5fr_auto] lg:items-end" aria-label="Filter pipelines">
        {/* Arriving from a service page keeps that service while other filters change. */}
        {filters.service ? <input type="hidden" name="service" value={filters.service} /> : null}
        <FilterSelect name="team" label="Team" value={filters.team} all="All teams" options={options.teams.map((t) => [t.slug, t.name])} />
        <FilterSelect name="account" label="Account" value={filters.account} all="All accounts" options={options.accounts.map((a) => [a.accountId, `${a.name} (${a.accountId})`])} />
        <FilterSelect name="region" label="Region" value={filters.region} all="All regions" options={options.regions.map((r) => [r, r])} />
        <FilterSelect name="status" label="Status" value={filters.status} all="Any status" options={STATUS_OPTIONS} />
        <label>
          <span className={labelClass}>Search</span>
          <input type="search" name="q" defaultValue={filters.q ?? ""} placeholder="Pipeline or service" className={inputClass} />
        </label>
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
          Filter
        </button>
      </form>
      <PipelineBoard initial={initial} filters={filters} approveTeams={approvable ? approvable.map((t) => t.slug) : "all"} />
    </>
  );
}
