import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { TierBadge } from "@/components/catalog/tier-badge";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getTeam } from "@/lib/catalog/server/get-team";
import { PipelinesCard } from "@/components/pipelines/pipelines-card";
import { AlarmsCard } from "@/components/alarms/alarms-card";
import { IncidentsCard } from "@/components/incidents/incidents-card";
import { ActionItemsCard } from "@/components/postmortems/action-items-card";
import { PostmortemsCard } from "@/components/postmortems/postmortems-card";
import { ServiceMapCard } from "@/components/servicemap/service-map-card";
import { getServiceMap } from "@/lib/servicemap/server/get-service-map";
import { ZBoardFiltersSchema } from "@/lib/pipelines/board";
import { findPipelines } from "@/lib/pipelines/server/find-pipelines";
import { AddMemberForm, RemoveMemberButton } from "@/components/teams/member-controls";
import { holdsEverywhere } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { BAND_OPTIONS, dashboardHref, FILTER_DEFAULTS, parseDashboardParams, trendWeeks, WINDOW_OPTIONS } from "@/components/dora/dashboard-params";
import { DoraDashboard } from "@/components/dora/dora-dashboard";
import { FilterForm } from "@/components/ui/filter-form";
import { FilterSelect } from "@/components/ui/filter-select";
import { findServiceOptions } from "@/lib/catalog/server/find-service-options";
import { ZDoraQuerySchema, ZDoraTrendQuerySchema } from "@/lib/dora/schemas";
import { getDoraSummary } from "@/lib/dora/server/get-dora-summary";
import { getDoraTrend } from "@/lib/dora/server/get-dora-trend";

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  return { title: (await params).slug };
}

const ROLE_LABEL = { MAINTAINER: "Maintainer", APPROVER: "Approver", MEMBER: "Member" } as const;

export default async function TeamPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const viewer = await requireViewer();
  const team = await getTeam({ slug: (await params).slug });
  if (!team) notFound();
  const services = await findServiceOptions({ team: team.slug });
  const asked = parseDashboardParams(await searchParams);
  // The dashboard covers this team, or one of its (or its sub-teams') services; anything else in the URL is ignored.
  const dora = { ...asked, team: team.slug, service: services.some((s) => s.slug === asked.service) ? asked.service : undefined };
  const doraScope = dora.service ? { service: dora.service } : { team: team.slug };
  const mapQuery = { window: "1h", group: "Default", team: team.slug } as const;
  const [pipelines, summary, trend, map] = await Promise.all([
    findPipelines(ZBoardFiltersSchema.parse({ team: team.slug }), 6),
    getDoraSummary({ query: ZDoraQuerySchema.parse({ ...doraScope, window: dora.window, bands: dora.bands }) }),
    getDoraTrend({ query: ZDoraTrendQuerySchema.parse({ ...doraScope, bucket: "week", count: trendWeeks(dora.window), bands: dora.bands }) }),
    getServiceMap(mapQuery),
  ]);
  const teamPath = `/teams/${team.slug}`;
  const isAdmin = holdsEverywhere(viewer, "user.manage");
  const now = new Date();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/teams" className="hover:underline">Teams</Link>
        {team.parent ? (
          <>
            {" / "}
            <Link href={`/teams/${team.parent.slug}`} className="hover:underline">{team.parent.name}</Link>
          </>
        ) : null}
      </nav>
      <PageHeader
        title={team.name}
        description={team.description ?? undefined}
        actions={
          isAdmin ? (
            <Link href={`/settings/audit?entityType=Team&entityId=${team.id}`} className="text-sm text-sky-700 hover:underline dark:text-sky-400">
              History
            </Link>
          ) : undefined
        }
      />
      <section aria-labelledby="dora-title" className="mb-8">
        <div className="mb-4 flex flex-wrap items-end justify-between gap-4">
          <div>
            <h2 id="dora-title" className="text-lg font-semibold tracking-tight">Delivery performance</h2>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">The five DORA metrics for {dora.service ? "one of the team's services" : `${team.name}${team.children.length > 0 ? " and the teams in it" : ""}`}, production only.</p>
          </div>
          <FilterForm key={dashboardHref(teamPath, { ...dora, team: undefined, rows: undefined })} action={teamPath} label="Filter delivery performance" defaults={FILTER_DEFAULTS}>
            <FilterSelect name="service" label="Service" value={dora.service} all="All services" options={services.map((s) => [s.slug, s.name])} />
            <FilterSelect name="window" label="Window" value={String(dora.window)} options={WINDOW_OPTIONS} />
            <FilterSelect name="bands" label="Band table" value={String(dora.bands)} options={BAND_OPTIONS} />
          </FilterForm>
        </div>
        <DoraDashboard path={teamPath} params={{ ...dora, team: undefined }} scopeTeam={team.slug} summary={summary} trend={trend} />
      </section>
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-6">
          <Card>
            <CardTitle>Services</CardTitle>
            {team.services.length === 0 ? (
              <EmptyState title="This team owns no services yet" />
            ) : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Services">
                {team.services.map((s) => (
                  <li key={s.slug} className="flex items-start justify-between gap-4 py-3">
                    <div>
                      <Link href={`/services/${s.slug}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">{s.name}</Link>
                      {s.description ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{s.description}</p> : null}
                    </div>
                    <div className="flex shrink-0 gap-1.5">
                      <TierBadge tier={s.tier} />
                      {s.lifecycle ? <Badge tone="info">{s.lifecycle}</Badge> : null}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {team.children.length > 0 ? (
            <Card>
              <CardTitle>Teams in this group</CardTitle>
              <ul className="flex flex-wrap gap-2">
                {team.children.map((c) => (
                  <li key={c.slug}>
                    <Link href={`/teams/${c.slug}`} className="inline-block rounded-md border border-zinc-200 px-3 py-1.5 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">{c.name}</Link>
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          <PipelinesCard board={pipelines} filter={{ team: team.slug }} />
          <ServiceMapCard map={map} query={mapQuery} />
          <AlarmsCard filter={{ team: team.slug }} />
          <IncidentsCard filter={{ team: team.slug }} />
          <ActionItemsCard
            title="Open action items"
            filter={{ team: team.slug }}
            viewerUserId={viewer.userId}
            now={now}
            empty="No open action items for this team."
          />
          <PostmortemsCard filter={{ team: team.slug }} now={now} />
        </div>
        <div className="space-y-6">
          <Card>
            <CardTitle>Members</CardTitle>
            {team.memberships.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No members yet.</p>
            ) : (
              <ul className="space-y-2" aria-label="Members">
                {team.memberships.map((m) => (
                  <li key={m.user.email} className="flex items-center justify-between gap-2 text-sm">
                    <span className="min-w-0">
                      {m.user.name}
                      <span className="block truncate text-xs text-zinc-500 dark:text-zinc-400" title={m.user.email}>{m.user.email}</span>
                    </span>
                    <span className="flex shrink-0 items-center gap-2">
                      <Badge tone={m.role === "MAINTAINER" ? "info" : "neutral"}>{ROLE_LABEL[m.role]}</Badge>
                      {isAdmin ? <RemoveMemberButton teamSlug={team.slug} userId={m.user.id} name={m.user.name} /> : null}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {isAdmin ? <AddMemberForm teamSlug={team.slug} /> : null}
          </Card>
          {team.catalogEntities.length > 0 ? (
            <Card>
              <CardTitle>Also owns</CardTitle>
              <ul className="space-y-1 text-sm" aria-label="Catalog entities">
                {team.catalogEntities.map((e) => (
                  <li key={`${e.kind}:${e.name}`}>
                    <span className="text-zinc-500 dark:text-zinc-400">{e.kind}</span> {e.title ?? e.name}
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
      </div>
    </>
  );
}
