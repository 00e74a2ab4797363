import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AlarmBoard } from "@/components/alarms/alarm-board";
import { inputClass, labelClass } from "@/components/ui/button";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { ZAlarmFiltersSchema, type TAlarmFilters } from "@/lib/alarms/alarm-board";
import { findAlarms } from "@/lib/alarms/server/find-alarms";
import { awsFilterOptions } from "@/lib/aws/server/aws-filter-options";
import { requireViewer } from "@/lib/auth/server/viewer";
import { pageFilters } from "@/lib/schemas";

export const metadata: Metadata = { title: "Alarms" };

const STATE_OPTIONS: [string, string][] = [
  ["alarm", "In alarm"],
  ["insufficient_data", "Insufficient data"],
  ["ok", "OK"],
];
const SEVERITY_OPTIONS: [string, string][] = [
  ["SEV1", "SEV1"],
  ["SEV2", "SEV2"],
  ["SEV3", "SEV3"],
  ["SEV4", "SEV4"],
  ["none", "No severity"],
];


export default async function AlarmsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewer();
  const filters: TAlarmFilters = pageFilters(await searchParams, ZAlarmFiltersSchema);
  const [initial, options] = await Promise.all([findAlarms(filters), awsFilterOptions("alarms")]);
  return (
    <>
      <PageHeader
        title="Alarms"
        description="Every CloudWatch alarm across your AWS accounts and regions, by team and service: in alarm first, then insufficient data, then OK. The board refreshes itself while open."
        actions={<Link href="/settings/sync" className="text-sm text-sky-700 hover:underline dark:text-sky-400">Sync status</Link>}
      />
      <form action="/alarms" className="mb-6 grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_1fr_1fr_1.5fr_auto] lg:items-end" aria-label="Filter alarms">
        {/* Arriving from a service page keeps that service while other filters change. */}
        {filters.service ? <input type="hidden" name="service" value={filters.service} /> : null}
        <FilterSelect name="team" label="Team" value={filters.team} all="All teams" options={options.teams.map((t) => [t.slug, t.name])} />
        <FilterSelect name="account" label="Account" value={filters.account} all="All accounts" options={options.accounts.map((a) => [a.accountId, `${a.name} (${a.accountId})`])} />
        <FilterSelect name="region" label="Region" value={filters.region} all="All regions" options={options.regions.map((r) => [r, r])} />
        <FilterSelect name="state" label="State" value={filters.state} all="Any state" options={STATE_OPTIONS} />
        <FilterSelect name="severity" label="Severity" value={filters.severity} all="Any severity" options={SEVERITY_OPTIONS} />
        <label>
          <span className={labelClass}>Search</span>
          <input type="search" name="q" defaultValue={filters.q ?? ""} placeholder="Alarm, metric or service" className={inputClass} />
        </label>
        <button type="submit" className="rounded-md bg-zinc-900 px-4 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300">
          Filter
        </button>
      </form>
      <AlarmBoard initial={initial} filters={filters} />
    </>
  );
}
