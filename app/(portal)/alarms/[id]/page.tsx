import type { Metadata } from "next";
import { ExternalLink } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { AlarmMetricPanel } from "@/components/alarms/alarm-metric-chart";
import { AlarmStateBadge, SeverityBadge } from "@/components/alarms/alarm-state-badge";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TBoardState } from "@/lib/alarms/alarm-board";
import { getAlarm } from "@/lib/alarms/server/get-alarm";
import { requireViewer } from "@/lib/auth/server/viewer";
import { formatDuration } from "@/lib/pipelines/board";

export const metadata: Metadata = { title: "Alarm" };

const lower = (state: string) => state.toLowerCase() as TBoardState;
const INCIDENT_TONE = { OPEN: "bad", ACKNOWLEDGED: "warn", RESOLVED: "good" } as const;

export default async function AlarmPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  await requireViewer();
  const { id } = await params;
  if (!/^\d{1,9}$/.test(id)) notFound();
  const alarm = await getAlarm(Number(id));
  if (!alarm) notFound();
  const now = new Date();
  const isMetric = alarm.type === "METRIC";
  return (
    <>
      <AutoRefresh everyMs={15_000} />
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/alarms" className="hover:underline">Alarms</Link>
        {alarm.service?.team ? (
          <>
            {" / "}
            <Link href={`/alarms?team=${alarm.service.team.slug}`} className="hover:underline">{alarm.service.team.name}</Link>
          </>
        ) : null}
      </nav>
      <PageHeader
        title={alarm.name}
        description={
          <>
            {alarm.service ? (
              <>
                Watches <Link href={`/services/${alarm.service.slug}`} className="text-sky-700 underline dark:text-sky-400">{alarm.service.name}</Link>
              </>
            ) : (
              "No service mapped (tag the alarm portside:service, or name it in the service's catalog file)"
            )}
            {" · "}
            {alarm.awsAccount.name} ({alarm.awsAccount.accountId}) · {alarm.region} · {isMetric ? "metric alarm" : "composite alarm"}
          </>
        }
        actions={
          <span className="flex flex-col items-end gap-1 text-sm">
            <a href={alarm.consoleUrl} className="inline-flex items-center gap-1 text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
              Open in the AWS console <ExternalLink aria-hidden className="size-3.5" />
            </a>
            {alarm.metricConsoleUrl ? (
              <a href={alarm.metricConsoleUrl} className="inline-flex items-center gap-1 text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
                The metric in CloudWatch <ExternalLink aria-hidden className="size-3.5" />
              </a>
            ) : null}
          </span>
        }
      />
      {alarm.deletedAt ? (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          This alarm was deleted in AWS <RelativeTime date={alarm.deletedAt} now={now} />; its history is kept here.
        </p>
      ) : null}

      <div className="mb-6 grid gap-6 lg:grid-cols-[1fr_20rem]">
        <Card>
          <CardTitle>Now</CardTitle>
          <p className="flex flex-wrap items-center gap-2">
            <AlarmStateBadge state={lower(alarm.state)} />
            <SeverityBadge severity={alarm.severity} />
            <span className="text-sm text-zinc-600 dark:text-zinc-400">
              since <RelativeTime date={alarm.stateUpdatedAt} now={now} />
            </span>
          </p>
          <p className="mt-2 text-sm break-words">{alarm.stateReason ?? "No reason given"}</p>
          <dl className="mt-4 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-zinc-600 dark:text-zinc-400">{isMetric ? "Condition" : "Rule"}</dt>
            <dd className="font-mono text-xs break-words">{alarm.condition ?? "—"}</dd>
            {alarm.dimensions.length ? (
              <>
                <dt className="text-zinc-600 dark:text-zinc-400">Dimensions</dt>
                <dd className="text-xs break-words">{alarm.dimensions.map((d) => `${d.name}=${d.value}`).join(", ")}</dd>
              </>
            ) : null}
            {alarm.definition?.period ? (
              <>
                <dt className="text-zinc-600 dark:text-zinc-400">Evaluation</dt>
                <dd className="text-xs">
                  {alarm.definition.statistic ?? ""} over {alarm.definition.period / 60} min,{" "}
                  {alarm.definition.datapointsToAlarm ?? alarm.definition.evaluationPeriods ?? 1} of {alarm.definition.evaluationPeriods ?? 1} periods
                </dd>
              </>
            ) : null}
            {alarm.description ? (
              <>
                <dt className="text-zinc-600 dark:text-zinc-400">Description</dt>
                <dd className="text-xs break-words">{alarm.description}</dd>
              </>
            ) : null}
          </dl>
          <p className="mt-4 text-xs text-zinc-600 dark:text-zinc-400">
            {alarm.lastSyncedAt ? <>Last full sync <RelativeTime date={alarm.lastSyncedAt} now={now} /></> : "Not synced from AWS yet"} · state changes are pushed as they happen; this page refreshes every 15 s
          </p>
        </Card>
        <Card>
          <CardTitle>Incidents</CardTitle>
          {alarm.incidents.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              None. {alarm.severity === "SEV1" || alarm.severity === "SEV2" ? "An incident opens when it enters ALARM." : "Alarms of high severity open incidents when they fire."}
            </p>
          ) : (
            <ul className="space-y-2 text-sm" aria-label="Incidents of this alarm">
              {alarm.incidents.map((i) => (
                <li key={i.id}>
                  <Link href={`/incidents/${i.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">{i.title}</Link>
                  <span className="mt-0.5 flex flex-wrap items-center gap-1 text-xs text-zinc-600 dark:text-zinc-400">
                    <Badge tone={INCIDENT_TONE[i.status]}>{i.status.toLowerCase()}</Badge>
                    opened <RelativeTime date={i.openedAt} now={now} />
                    {i.resolvedAt ? ` · lasted ${formatDuration(i.resolvedAt.getTime() - i.openedAt.getTime())}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <Card className="mb-6">
        <CardTitle>{isMetric ? "Metric, threshold and deployments" : "Metric"}</CardTitle>
        <AlarmMetricPanel alarmId={alarm.id} />
      </Card>

      <Card>
        <CardTitle>State history</CardTitle>
        {alarm.transitions.length === 0 ? (
          <EmptyState title="No state changes recorded yet">They come from the alarm history at each sync, and from pushed events as they happen.</EmptyState>
        ) : (
          <>
            <ol className="relative ml-2 border-l border-zinc-200 dark:border-zinc-800" aria-label="State changes, newest first">
              {alarm.transitions.map((t, index) => {
                const next = alarm.transitions[index - 1];
                const lasted = (next ? next.at.getTime() : now.getTime()) - t.at.getTime();
                return (
                  <li key={t.id} className="mb-4 ml-4">
                    <span aria-hidden className="absolute -left-1.5 mt-1.5 size-3 rounded-full border border-white bg-zinc-400 dark:border-zinc-950" />
                    <p className="flex flex-wrap items-center gap-2 text-sm">
                      {t.fromState ? (
                        <>
                          <AlarmStateBadge state={lower(t.fromState)} /> <span aria-label="to">→</span>
                        </>
                      ) : null}
                      <AlarmStateBadge state={lower(t.toState)} />
                      <span className="text-xs text-zinc-600 dark:text-zinc-400">
                        <RelativeTime date={t.at} now={now} /> · {t.at.toISOString().replace("T", " ").slice(0, 19)} UTC · {next ? "lasted" : "for"} {formatDuration(lasted)}
                      </span>
                    </p>
                    {t.reason ? <p className="mt-1 text-xs break-words text-zinc-700 dark:text-zinc-300">{t.reason}</p> : null}
                  </li>
                );
              })}
            </ol>
            {alarm._count.transitions > alarm.transitions.length ? (
              <p className="text-xs text-zinc-600 dark:text-zinc-400">The latest {alarm.transitions.length} of {alarm._count.transitions} state changes.</p>
            ) : null}
          </>
        )}
      </Card>
    </>
  );
}
