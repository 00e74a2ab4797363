import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { causeText, IncidentStatusBadge, SeverityBadge } from "@/components/incidents/incident-badges";
import { AttributionControls, IncidentStatusControls } from "@/components/incidents/incident-controls";
import { PostmortemStatusBadge } from "@/components/postmortems/transition-status-badge";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { holdsForTeam } from "@/lib/auth/permissions";
import { requireViewer } from "@/lib/auth/server/viewer";
import { env } from "@/lib/env";
import { getIncident } from "@/lib/incidents/server/get-incident";
import { getIncidentContext } from "@/lib/incidents/server/get-incident-context";
import { incidentTimeline } from "@/lib/incidents/timeline";
import { formatDuration } from "@/lib/pipelines/board";
import { safeHref } from "@/lib/schemas";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Incident ${(await params).id}` };
}

function utc(iso: string): string {
  return `${iso.replace("T", " ").slice(0, 16)} UTC`;
}

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const viewer = await requireViewer();
  const { id } = await params;
  if (!/^\d{1,9}$/.test(id)) notFound();
  const [incident, context] = await Promise.all([getIncident(Number(id)), getIncidentContext(Number(id))]);
  if (!incident || !context) notFound();
  const canManage = holdsForTeam(viewer, "incident.manage", context.teamId);
  const canWritePostmortem = holdsForTeam(viewer, "postmortem.write", context.teamId);
  const now = new Date();
  const deployment = incident.attribution.deployment;
  const ruleHours = env().attributionWindowHours;
  const timeline = incidentTimeline(incident, incident.timeline);
  return (
    <>
      <AutoRefresh everyMs={15_000} />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/incidents" className="hover:underline">Incidents</Link>
        {" / "}
        <Link href={`/incidents?team=${incident.team.slug}`} className="hover:underline">{incident.team.name}</Link>
      </nav>
      <PageHeader
        title={incident.title}
        description={
          <>
            <Link href={`/services/${incident.service.slug}`} className="text-sky-700 underline dark:text-sky-400">{incident.service.name}</Link>
            {" · "}
            <Link href={`/teams/${incident.team.slug}`} className="text-sky-700 underline dark:text-sky-400">{incident.team.name}</Link>
            {" · reported by "}
            <span className="font-mono">{incident.source}</span>
          </>
        }
        actions={
          <div className="flex flex-wrap gap-1.5">
            <SeverityBadge severity={incident.severity} />
            <IncidentStatusBadge status={incident.status} />
          </div>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
        <div className="space-y-6">
          <Card>
            <CardTitle>Timeline</CardTitle>
            {timeline.length === 0 ? (
              <EmptyState title="Nothing recorded yet" />
            ) : (
              <ol className="relative space-y-4 border-l border-zinc-200 pl-5 dark:border-zinc-800" aria-label="Timeline, oldest first">
                {timeline.map((e, i) => (
                  <li key={i} className="relative">
                    <span aria-hidden className="absolute top-1.5 -left-[1.6rem] size-2.5 rounded-full bg-zinc-400 ring-4 ring-white dark:bg-zinc-500 dark:ring-zinc-900" />
                    <p className="text-xs text-zinc-500 dark:text-zinc-400">
                      <time dateTime={e.at}>{utc(e.at)}</time>
                      {e.actor ? <> · {e.actor}</> : null}
                      {e.isDerived ? " · from the incident's recorded times" : null}
                    </p>
                    <p className="text-sm">{e.message}</p>
                  </li>
                ))}
              </ol>
            )}
          </Card>
          {incident.description ? (
            <Card>
              <CardTitle>Details</CardTitle>
              <p className="text-sm whitespace-pre-wrap">{incident.description}</p>
            </Card>
          ) : null}
          <Card>
            <CardTitle>Alarms</CardTitle>
            {context.alarms.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No alarm is linked to this incident.</p>
            ) : (
              <ul className="space-y-1 text-sm" aria-label="Alarms of this incident">
                {context.alarms.map((a) => (
                  <li key={a.id} className="flex items-center gap-2">
                    <Link href={`/alarms/${a.id}`} className="text-sky-700 hover:underline dark:text-sky-400">{a.name}</Link>
                    <Badge tone={a.state === "ALARM" ? "bad" : a.state === "OK" ? "good" : "warn"}>{a.state}</Badge>
                    <span className="text-xs text-zinc-500 dark:text-zinc-400">{a.region}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardTitle>Status</CardTitle>
            <dl className="mb-4 space-y-2 text-sm">
              <div className="flex justify-between gap-2"><dt className="text-zinc-500 dark:text-zinc-400">Opened</dt><dd><RelativeTime date={new Date(incident.openedAt)} now={now} /></dd></div>
              <div className="flex justify-between gap-2"><dt className="text-zinc-500 dark:text-zinc-400">Acknowledged</dt><dd>{incident.acknowledgedAt ? <RelativeTime date={new Date(incident.acknowledgedAt)} now={now} /> : "not yet"}</dd></div>
              <div className="flex justify-between gap-2"><dt className="text-zinc-500 dark:text-zinc-400">Resolved</dt><dd>{incident.resolvedAt ? <RelativeTime date={new Date(incident.resolvedAt)} now={now} /> : "not yet"}</dd></div>
              <div className="flex justify-between gap-2">
                <dt className="text-zinc-500 dark:text-zinc-400">{incident.durationSeconds !== null ? "Lasted" : "Open for"}</dt>
                <dd>{formatDuration((incident.durationSeconds ?? (now.getTime() - Date.parse(incident.openedAt)) / 1000) * 1000)}</dd>
              </div>
            </dl>
            {canManage ? <IncidentStatusControls incidentId={incident.id} status={incident.status} /> : null}
          </Card>
          <Card>
            <CardTitle>Postmortem</CardTitle>
            {incident.postmortem ? (
              <p className="flex flex-wrap items-center gap-2 text-sm">
                <Link href={`/postmortems/${incident.postmortem.id}`} className="text-sky-700 underline dark:text-sky-400">Postmortem #{incident.postmortem.id}</Link>
                <PostmortemStatusBadge status={incident.postmortem.status} />
              </p>
            ) : canWritePostmortem ? (
              <>
                <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">No postmortem yet.</p>
                <Link
                  href={`/postmortems/new?incident=${incident.id}`}
                  className="inline-flex items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
                >
                  Write a postmortem
                </Link>
              </>
            ) : (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No postmortem yet. Members of {incident.team.name} can write one.</p>
            )}
          </Card>
          <Card>
            <CardTitle>Cause</CardTitle>
            <p className="mb-3 text-sm">
              {deployment ? (
                <>
                  Attributed to deployment <span className="font-mono">{deployment.version ?? `#${deployment.id}`}</span>
                  {deployment.finishedAt ? <> (finished <RelativeTime date={new Date(deployment.finishedAt)} now={now} />)</> : null}
                  {deployment.url ? (
                    <>
                      {" · "}
                      <a href={safeHref(deployment.url)} className="text-sky-700 underline dark:text-sky-400" rel="noreferrer">details</a>
                    </>
                  ) : null}
                  <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {incident.attribution.source === "explicit"
                      ? "Linked by a person or the reporting tool."
                      : `By the rule: the service's latest production deployment that finished within ${ruleHours} h before the incident began.`}
                  </span>
                </>
              ) : incident.attribution.source === "explicit" ? (
                "No deployment caused it (said by a person or the reporting tool)."
              ) : (
                `No production deployment of the service finished within ${ruleHours} h before it began.`
              )}
              <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">Cause: {causeText(incident.causedByChange)}.</span>
            </p>
            {canManage ? (
              <AttributionControls
                incidentId={incident.id}
                deploymentId={deployment?.id ?? null}
                attribution={incident.attribution.source}
                causedByChange={incident.causedByChange}
                candidates={context.candidates.map((c) => ({ id: c.id, label: `${c.version ?? `#${c.id}`} · ${c.status} · ${utc(c.finishedAt)}` }))}
              />
            ) : (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">Members of {incident.team.name} can change the attribution.</p>
            )}
            <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
              Attributed incidents count as change failures in DORA; their recovery time runs from the incident opening to its resolution.
            </p>
          </Card>
        </div>
      </div>
    </>
  );
}
