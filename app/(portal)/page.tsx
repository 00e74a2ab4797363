import Link from "next/link";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table } from "@/components/ui/table";
import { PageSkeleton } from "@/components/ui/page-skeleton";
import { RelativeTime } from "@/components/ui/relative-time";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { ActionItemsCard } from "@/components/postmortems/action-items-card";
import { getHomeOverview } from "@/lib/catalog/server/get-home-overview";
import { requireViewer } from "@/lib/auth/server/viewer";

export default async function HomePage() {
  const viewer = await requireViewer();
  // Executives land on every team's delivery performance; the rest of the portal is a click away.
  if (viewer.orgRole === "EXECUTIVE") redirect("/exec");
  return (
    <>
      <PageHeader title="Home" description="Your teams first, then your organisation at a glance: teams, their services and what shipped last." />
      <Card className="mb-6">
        <CardTitle>My teams</CardTitle>
        {viewer.memberships.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            You are not in a team yet. An admin adds people to teams on each team&apos;s page{viewer.orgRole === "ADMIN" ? " (you are one)" : ""}.
          </p>
        ) : (
          <ul className="flex flex-wrap gap-2" aria-label="My teams">
            {viewer.memberships.map((m) => (
              <li key={m.slug}>
                <Link href={`/teams/${m.slug}`} className="inline-flex items-center gap-2 rounded-lg border border-zinc-200 px-3 py-2 text-sm font-medium hover:border-sky-400 dark:border-zinc-800">
                  {m.name}
                  <span className="text-xs font-normal text-zinc-500 dark:text-zinc-400">{m.role.toLowerCase()}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Suspense fallback={<PageSkeleton />}>
        <HomeOverview viewerUserId={viewer.userId} />
      </Suspense>
    </>
  );
}

async function HomeOverview({ viewerUserId }: { viewerUserId: number }) {
  await connection();
  const overview = await getHomeOverview();
  const now = new Date();
  const stats = [
    { label: "Teams", value: overview.totals.teams },
    { label: "Services", value: overview.totals.services },
    { label: "Production deployments, last 7 days", value: overview.totals.deploymentsThisWeek },
    { label: "Open incidents", value: overview.totals.openIncidents },
  ];

  return (
    <>
      <div className="mb-6">
        <ActionItemsCard
          title="Your action items"
          filter={{ owner: "me" }}
          viewerUserId={viewerUserId}
          now={now}
          empty="You have no open action items. When a postmortem gives you one, it shows here with its due date."
        />
      </div>
      <dl className="mb-8 grid grid-cols-2 gap-4 lg:grid-cols-4">
        {stats.map((s) => (
          <div key={s.label} className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
            <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{s.label}</dt>
            <dd className="mt-1 text-3xl font-semibold tabular-nums">{s.value.toLocaleString("en")}</dd>
          </div>
        ))}
      </dl>

      <div className="grid gap-6 xl:grid-cols-[1fr_26rem]">
        <Card>
          <CardTitle>Teams</CardTitle>
          {overview.teams.length === 0 ? (
            <EmptyState title="No teams yet">
              Import a catalog or run <code className="font-mono">npm run db:seed</code> to load the demo organisation.
            </EmptyState>
          ) : (
            <ul className="grid gap-4 sm:grid-cols-2" aria-label="Teams">
              {overview.teams.map((team) => (
                <li key={team.slug} className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
                  <div className="flex items-start justify-between gap-2">
                    <div>
                      <h3 className="font-semibold">
                        <Link href={`/teams/${team.slug}`} className="hover:underline">{team.name}</Link>
                      </h3>
                      {team.group ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{team.group}</p> : null}
                    </div>
                    {team.openIncidents > 0 ? (
                      <Link href="/incidents" className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-red-300 ring-inset dark:bg-red-950 dark:text-red-200 dark:ring-red-800">
                        {team.openIncidents} open incident{team.openIncidents === 1 ? "" : "s"}
                      </Link>
                    ) : null}
                  </div>
                  <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
                    {team.deploymentsThisWeek} production deployment{team.deploymentsThisWeek === 1 ? "" : "s"} in the last 7 days
                  </p>
                  <ul className="mt-3 flex flex-wrap gap-1.5" aria-label={`${team.name} services`}>
                    {team.services.map((s) => (
                      <li key={s.slug}>
                        <Link href={`/services/${s.slug}`} className="block rounded bg-zinc-100 px-2 py-0.5 font-mono text-xs text-zinc-700 hover:bg-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:hover:bg-zinc-700">
                          {s.slug}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card>
          <CardTitle action={<Link className="text-sm text-sky-700 hover:underline dark:text-sky-400" href="/pipelines">Pipelines</Link>}>
            Latest production deployments
          </CardTitle>
          {overview.latest.length === 0 ? (
            <EmptyState title="No deployments yet">
              Post one to <code className="font-mono">/api/deployments</code> from your CI — see docs/data-in.md in the repository.
            </EmptyState>
          ) : (
            <Table caption="Latest production deployments" columns={[{ label: "Service" }, { label: "Status" }, { label: "Finished", align: "end" }]}>
                {overview.latest.map((d) => (
                  <tr key={d.id}>
                    <td className="py-2 pr-2">
                      <span className="font-medium">{d.service.name}</span>
                      <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                        {d.team.name} · {d.commits} commit{d.commits === 1 ? "" : "s"}
                        {d.isPlanned ? "" : " · fix"}
                      </span>
                    </td>
                    <td className="py-2 pr-2">
                      <DeploymentStatusBadge status={d.status} />
                    </td>
                    <td className="py-2 text-right text-zinc-600 tabular-nums dark:text-zinc-400">
                      <RelativeTime date={d.finishedAt} now={now} />
                    </td>
                  </tr>
                ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
