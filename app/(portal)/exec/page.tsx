import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { BandDistribution } from "@/components/dora/band-distribution";
import { CsvButton } from "@/components/dora/csv-button";
import { BAND_OPTIONS, FILTER_DEFAULTS, parseDashboardParams, WINDOW_OPTIONS } from "@/components/dora/dashboard-params";
import { parseExecSort, sortTeams, type TSortKey } from "@/components/dora/exec-sort";
import { ExecTable } from "@/components/dora/exec-table";
import { rollupCsv } from "@/components/dora/rollup-csv";
import { FilterForm } from "@/components/ui/filter-form";
import { FilterSelect } from "@/components/ui/filter-select";
import { Movers } from "@/components/dora/movers";
import { TrendCharts } from "@/components/dora/trend-charts";
import { shapeTrend } from "@/components/dora/trend-series";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewer } from "@/lib/auth/server/viewer";
import { DEFAULT_BAND_YEAR } from "@/lib/dora/bands";
import { DEFAULT_WINDOW_DAYS, ZDoraTrendQuerySchema } from "@/lib/dora/schemas";
import { getDoraRollup } from "@/lib/dora/server/get-dora-rollup";
import { getDoraTrend } from "@/lib/dora/server/get-dora-trend";

export const metadata: Metadata = { title: "Executive dashboard" };

const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/**
 * Every team's delivery performance side by side. Per DORA's own advice the
 * organisation's figures never stand alone: they sit under the per-team rows,
 * and the distribution and movers are made of the teams themselves.
 */
export default async function ExecPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewer();
  const raw = await searchParams;
  const params = parseDashboardParams(raw);
  const sort = parseExecSort(raw);
  const [rollup, orgTrend] = await Promise.all([
    getDoraRollup({ window: params.window, bands: params.bands }),
    getDoraTrend({ query: ZDoraTrendQuerySchema.parse({ bucket: "month", count: 12, bands: params.bands }) }),
  ]);
  // Teams that hold teams double-count in the distribution and movers: those are made of the teams that ship.
  const leafTeams = rollup.teams.filter((t) => !t.team.hasChildren);
  const sortHref = (key: TSortKey, dir: "asc" | "desc") => {
    const search = new URLSearchParams();
    if (params.window !== DEFAULT_WINDOW_DAYS) search.set("window", String(params.window));
    if (params.bands !== DEFAULT_BAND_YEAR) search.set("bands", String(params.bands));
    if (key !== "team" || dir !== "asc") {
      search.set("sort", key);
      search.set("dir", dir);
    }
    const qs = search.toString();
    return qs ? `/exec?${qs}` : "/exec";
  };
  const window = rollup.org.current.window;
  return (
    <>
      <PageHeader
        title="Executive dashboard"
        description={
          <>
            Delivery performance of every team over the last {window.days} days ({longDate(window.from)} – {longDate(window.to)}), production only, with DORA {rollup.bandYear} bands. Each
            team&apos;s row links to its own dashboard.
          </>
        }
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <CsvButton filename={`dora-teams-${window.from}-${window.to}.csv`} csv={rollupCsv(rollup)} label="Download table (CSV)" />
            <Link href="/dora/method" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
              How these are computed
            </Link>
          </div>
        }
      />
      <div className="mb-6">
        <FilterForm key={sortHref(sort.key, sort.dir)} action="/exec" label="Filter the executive dashboard" defaults={FILTER_DEFAULTS}>
          {sort.key !== "team" || sort.dir !== "asc" ? (
            <>
              <input type="hidden" name="sort" value={sort.key} />
              <input type="hidden" name="dir" value={sort.dir} />
            </>
          ) : null}
          <FilterSelect name="window" label="Window" value={String(params.window)} options={WINDOW_OPTIONS} />
          <FilterSelect name="bands" label="Band table" value={String(params.bands)} options={BAND_OPTIONS} />
        </FilterForm>
      </div>

      {rollup.teams.length === 0 ? (
        <EmptyState title="No teams yet">
          Import a catalog or run <code className="font-mono">npm run db:seed</code> to load the demo organisation.
        </EmptyState>
      ) : (
        <div className="space-y-6">
          <Card className="p-0">
            <div className="px-5 pt-5">
              <CardTitle>Every team</CardTitle>
            </div>
            <ExecTable teams={sortTeams(rollup.teams, sort)} org={rollup.org} sort={sort} sortHref={sortHref} />
            <p className="px-5 py-3 text-xs text-zinc-500 dark:text-zinc-400">
              n is the sample size (deployments; commits for lead time; recovered failures for recovery). Below {rollup.minSamples} a figure gets no band; rework rate has no published bands. Arrows compare with the{" "}
              {window.days} days before. {rollup.method.note}
            </p>
          </Card>

          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardTitle>Teams per band</CardTitle>
              <BandDistribution teams={leafTeams} />
              <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
                {leafTeams.length} teams that ship (groups left out, their teams are counted). Rework rate has no published bands.
              </p>
            </Card>
            <Card>
              <CardTitle>Biggest movers against the previous {window.days} days</CardTitle>
              <Movers teams={leafTeams} />
            </Card>
          </div>

          <Card>
            <CardTitle>Organisation, month by month</CardTitle>
            <p className="-mt-2 mb-4 text-sm text-zinc-600 dark:text-zinc-400">
              All teams together over the last 12 months; the current month so far. The per-team figures are in the table above.
            </p>
            <TrendCharts trend={shapeTrend(orgTrend.points, "month", orgTrend.generatedAt)} caption="for the organisation by month, last 12 months" />
          </Card>
        </div>
      )}
    </>
  );
}
