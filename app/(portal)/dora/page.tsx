import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { BAND_OPTIONS, FILTER_DEFAULTS, dashboardHref, parseDashboardParams, trendWeeks, WINDOW_OPTIONS } from "@/components/dora/dashboard-params";
import { DoraDashboard } from "@/components/dora/dora-dashboard";
import { FilterForm } from "@/components/ui/filter-form";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findServiceOptions } from "@/lib/catalog/server/find-service-options";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";
import { ZDoraQuerySchema, ZDoraTrendQuerySchema } from "@/lib/dora/schemas";
import { getDoraSummary } from "@/lib/dora/server/get-dora-summary";
import { getDoraTrend } from "@/lib/dora/server/get-dora-trend";
import { isAppError } from "@/lib/errors";

export const metadata: Metadata = { title: "DORA metrics" };

const ORG_SERVICE_OPTIONS = 300;

export default async function DoraPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewer();
  const asked = parseDashboardParams(await searchParams);
  const [teams, listed] = await Promise.all([findTeamOptions(), findServiceOptions({ team: asked.team, limit: asked.team ? undefined : ORG_SERVICE_OPTIONS + 1 })]);
  // Thousands of services make a select nobody can use: past a few hundred, a team is chosen first.
  const isServiceListCut = !asked.team && listed.length > ORG_SERVICE_OPTIONS;
  const services = isServiceListCut ? [] : listed;
  // Choosing another team drops a service that is not one of its own.
  const params = asked.service && asked.team && !listed.some((s) => s.slug === asked.service) ? { ...asked, service: undefined } : asked;
  const scope = params.service ? { service: params.service } : { team: params.team };
  const data = await Promise.all([
    getDoraSummary({ query: ZDoraQuerySchema.parse({ ...scope, window: params.window, bands: params.bands }) }),
    getDoraTrend({ query: ZDoraTrendQuerySchema.parse({ ...scope, bucket: "week", count: trendWeeks(params.window), bands: params.bands }) }),
  ]).catch((error: unknown) => {
    // An unknown team or service in a hand-edited URL is a 404, not a broken page.
    if (isAppError(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const [summary, trend] = data;
  return (
    <>
      <PageHeader
        title="DORA metrics"
        description="The five DORA software delivery metrics for production: the organisation, a team (with the teams nested under it) or one service."
        actions={
          <Link href="/exec" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
            Every team side by side
          </Link>
        }
      />
      <div className="mb-6">
        <FilterForm key={dashboardHref("/dora", params, { rows: undefined })} action="/dora" label="Filter DORA metrics" defaults={FILTER_DEFAULTS}>
          <FilterSelect name="team" label="Team" value={params.team} all="All teams" options={teams.map((t) => [t.slug, t.name])} />
          {isServiceListCut ? (
            <>
              {params.service ? <input type="hidden" name="service" value={params.service} /> : null}
              <p className="self-center text-xs text-zinc-600 dark:text-zinc-400">Choose a team to pick one of its services.</p>
            </>
          ) : (
            <FilterSelect
              name="service"
              label="Service"
              value={params.service}
              all={params.team && !params.service ? "All the team's services" : "All services"}
              options={services.map((s) => [s.slug, params.team ? s.name : `${s.name} (${s.team.name})`])}
            />
          )}
          <FilterSelect name="window" label="Window" value={String(params.window)} options={WINDOW_OPTIONS} />
          <FilterSelect name="bands" label="Band table" value={String(params.bands)} options={BAND_OPTIONS} />
        </FilterForm>
        {params.service || params.team ? (
          <p className="mt-2 text-sm">
            <Link href={dashboardHref("/dora", params, { team: undefined, service: undefined, rows: undefined })} className="text-sky-700 hover:underline dark:text-sky-400">
              Back to the whole organisation
            </Link>
          </p>
        ) : null}
      </div>
      <DoraDashboard path="/dora" params={params} summary={summary} trend={trend} />
    </>
  );
}
