import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { FilterForm } from "@/components/ui/filter-form";
import { Card, CardTitle } from "@/components/ui/card";
import { Chart } from "@/components/ui/chart";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect } from "@/components/ui/filter-select";
import { PageHeader } from "@/components/ui/page-header";
import { Table } from "@/components/ui/table";
import { requireViewer } from "@/lib/auth/server/viewer";
import { findTeamOptions } from "@/lib/catalog/server/find-team-options";
import { formatDuration } from "@/lib/pipelines/board";
import {
  AGE_BAND_LABELS,
  completionChart,
  DEFAULT_INSIGHT_PERIOD,
  DETECTION_LOOKBACK_HOURS,
  incidentCountChart,
  incidentShareChart,
  INSIGHT_MIN_SAMPLES,
  INSIGHT_PERIOD_KEYS,
  INSIGHT_PERIODS,
  REPEAT_WINDOW_DAYS,
  RESPONSE_METRICS,
  responseTimeChart,
  share,
  ZInsightsQuerySchema,
  type TInsightsQuery,
  type TResponseMetric,
  type TTimeFigure,
} from "@/lib/postmortems/insights";
import { getPostmortemInsights } from "@/lib/postmortems/server/get-postmortem-insights";
import { pageFilters } from "@/lib/schemas";

export const metadata: Metadata = { title: "Postmortem insights" };

const METRICS = Object.keys(RESPONSE_METRICS) as TResponseMetric[];
/** Team tables show the teams with the most incidents (or overdue items); a team's own page of insights shows its sub-teams. */
const TEAM_ROWS = 15;

function TimeValue({ figure }: { figure: TTimeFigure }) {
  if (figure.median === null) return <span className="text-zinc-500 dark:text-zinc-400">no data</span>;
  return (
    <>
      {formatDuration(figure.median * 1000)}
      <span className={figure.isLowSample ? "ml-1 text-xs font-medium text-amber-800 dark:text-amber-300" : "ml-1 text-xs text-zinc-500 dark:text-zinc-400"}>
        (n = {figure.n}
        {figure.isLowSample ? ", few" : ""})
      </span>
    </>
  );
}

function MoreTeams({ count, noun }: { count: number; noun: string }) {
  if (count <= 0) return null;
  return (
    <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
      and {count.toLocaleString("en")} more team{count === 1 ? "" : "s"} {noun}: choose a team above to see it and the teams in it.
    </p>
  );
}

function percent(numerator: number, denominator: number): string {
  const s = share(numerator, denominator);
  return s === null ? "no data" : `${Math.round(s * 100)} %`;
}

function Tile({ label, children, detail }: { label: string; children: ReactNode; detail?: ReactNode }) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums">{children}</dd>
      {detail ? <dd className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{detail}</dd> : null}
    </div>
  );
}

/** A median in words, with its sample size below: "no data" rather than 0 when there is none. */
function TimeTile({ label, figure, noun }: { label: string; figure: TTimeFigure; noun: string }) {
  return (
    <Tile
      label={label}
      detail={
        figure.n === 0 ? undefined : (
          <span className={figure.isLowSample ? "font-medium text-amber-800 dark:text-amber-300" : undefined}>
            from {figure.n.toLocaleString("en")} {noun}
            {figure.isLowSample ? " (few samples)" : ""}
          </span>
        )
      }
    >
      {figure.median === null ? <span className="text-base font-normal text-zinc-500 dark:text-zinc-400">No data</span> : formatDuration(figure.median * 1000)}
    </Tile>
  );
}

export default async function InsightsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  await requireViewer();
  const now = new Date();
  const query: TInsightsQuery = pageFilters(await searchParams, ZInsightsQuerySchema);
  const [insights, teams] = await Promise.all([getPostmortemInsights({ query, now }), findTeamOptions()]);
  if (query.team && !insights.team) notFound();

  const { incidents, actionItems } = insights;
  const scope = insights.team ? `${insights.team.name} and the teams in it` : "the whole organisation";
  const periodLabel = INSIGHT_PERIODS[insights.period].label.toLowerCase();

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/postmortems" className="hover:underline">Postmortems</Link>
      </nav>
      <PageHeader
        title="Postmortem insights"
        description={`How fast incidents are detected, acknowledged and recovered from, how often they repeat, and whether the follow-ups get done: ${scope}, ${periodLabel}. The current ${INSIGHT_PERIODS[insights.period].bucket} is not over and is drawn apart.`}
        actions={
          <Link href="/postmortems/actions" className="text-sm font-medium text-sky-700 hover:underline dark:text-sky-400">
            Action items
          </Link>
        }
      />
      <div className="mb-6">
        <FilterForm key={`${query.team ?? ""}:${query.period}`} action="/postmortems/insights" label="Filter insights" defaults={{ period: DEFAULT_INSIGHT_PERIOD }}>
          <FilterSelect name="team" label="Team" value={query.team} all="All teams" options={teams.map((t) => [t.slug, t.name])} />
          <FilterSelect name="period" label="Period" value={query.period} options={INSIGHT_PERIOD_KEYS.map((k) => [k, INSIGHT_PERIODS[k].label])} />
        </FilterForm>
      </div>

      <section aria-labelledby="incidents-title" className="mb-8">
        <h2 id="incidents-title" className="mb-3 text-lg font-semibold tracking-tight">Incidents</h2>
        {incidents.total.incidents === 0 ? (
          <EmptyState title="No incidents in this period">Nothing to measure for {scope}, {periodLabel}: no incident opened on its services.</EmptyState>
        ) : (
          <>
            <dl className="mb-4 grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
              <Tile label="Incidents">{incidents.total.incidents.toLocaleString("en")}</Tile>
              {METRICS.map((m) => (
                <TimeTile key={m} label={`Median ${RESPONSE_METRICS[m].label.toLowerCase()}`} figure={incidents.total[m]} noun="incidents" />
              ))}
              <Tile label="Repeat incidents" detail={`${incidents.total.repeats} of ${incidents.total.incidents}`}>
                {percent(incidents.total.repeats, incidents.total.incidents)}
              </Tile>
              <Tile label="Attributed to a deployment" detail={`${incidents.total.attributed} of ${incidents.total.incidents}`}>
                {percent(incidents.total.attributed, incidents.total.incidents)}
              </Tile>
            </dl>
            <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
              {METRICS.map((m) => (
                <Chart key={m} kind="line" title={`Median ${RESPONSE_METRICS[m].label.toLowerCase()} by severity`} minSamples={INSIGHT_MIN_SAMPLES} {...responseTimeChart(insights, m)} />
              ))}
              <Chart kind="bar" title="Incidents by severity" isStacked {...incidentCountChart(insights)} />
              <Chart kind="line" title="Repeat incidents and incidents attributed to a deployment" yMax={100} {...incidentShareChart(insights)} />
            </div>
          </>
        )}
      </section>

      {incidents.byTeam.length > 0 ? (
        <Card className="mb-8">
          <CardTitle>By team</CardTitle>
          <Table
            caption={`Incidents and response times by team, ${periodLabel}`}
            columns={[{ label: "Team" }, { label: "Incidents", align: "end" }, ...METRICS.map((m) => ({ label: `Median ${RESPONSE_METRICS[m].short}`, align: "end" as const })), { label: "Repeats", align: "end" }, { label: "Attributed", align: "end" }]}
          >
            {incidents.byTeam.slice(0, TEAM_ROWS).map(({ team, figures }) => (
              <tr key={team.slug}>
                <td className="py-2 pr-3">
                  <Link href={`/postmortems/insights?${new URLSearchParams({ team: team.slug, ...(query.period === DEFAULT_INSIGHT_PERIOD ? {} : { period: query.period }) })}`} className="text-sky-700 hover:underline dark:text-sky-400">
                    {team.name}
                  </Link>
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{figures.incidents}</td>
                {METRICS.map((m) => (
                  <td key={m} className="py-2 pr-3 text-right tabular-nums">
                    <TimeValue figure={figures[m]} />
                  </td>
                ))}
                <td className="py-2 pr-3 text-right tabular-nums">{percent(figures.repeats, figures.incidents)}</td>
                <td className="py-2 text-right tabular-nums">{percent(figures.attributed, figures.incidents)}</td>
              </tr>
            ))}
          </Table>
          <MoreTeams count={incidents.byTeam.length - TEAM_ROWS} noun="with incidents" />
        </Card>
      ) : null}

      <section aria-labelledby="actions-title" className="mb-8">
        <h2 id="actions-title" className="mb-3 text-lg font-semibold tracking-tight">Action items</h2>
        <dl className="mb-4 grid grid-cols-2 gap-4 lg:grid-cols-5">
          <Tile label={`Created, ${periodLabel}`}>{actionItems.total.created.toLocaleString("en")}</Tile>
          <Tile label="Done of those" detail={`${actionItems.total.done} done, ${actionItems.total.wontDo} won't do, ${actionItems.total.open} still open`}>
            {percent(actionItems.total.done, actionItems.total.created)}
          </Tile>
          <TimeTile label="Median time to complete" figure={actionItems.total.timeToComplete} noun="done" />
          <Tile label="Open now">{actionItems.open.total.toLocaleString("en")}</Tile>
          <Tile label="Overdue now" detail={actionItems.open.total > 0 ? `${percent(actionItems.open.overdue, actionItems.open.total)} of open items` : undefined}>
            {actionItems.open.overdue.toLocaleString("en")}
          </Tile>
        </dl>
        <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
          <Chart kind="bar" title={`Action items by ${INSIGHT_PERIODS[insights.period].bucket} created, by what became of them`} isStacked {...completionChart(insights)} />
          <Card>
            <CardTitle>Open items by age</CardTitle>
            {actionItems.open.total === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No open action items.</p>
            ) : (
              <Table caption="Open action items by age" columns={[{ label: "Age" }, { label: "Open", align: "end" }]}>
                {AGE_BAND_LABELS.map((label, i) => (
                  <tr key={label}>
                    <td className="py-2 pr-3">{label}</td>
                    <td className="py-2 text-right tabular-nums">{actionItems.open.byAge[i] ?? 0}</td>
                  </tr>
                ))}
              </Table>
            )}
          </Card>
        </div>
      </section>

      {actionItems.byTeam.length > 0 ? (
        <Card className="mb-8">
          <CardTitle>Open and overdue action items by team</CardTitle>
          <Table caption="Open and overdue action items by team, most overdue first" columns={[{ label: "Team" }, { label: "Open", align: "end" }, { label: "Overdue", align: "end" }, { label: "Oldest open", align: "end" }]}>
            {actionItems.byTeam.slice(0, TEAM_ROWS).map((t) => (
              <tr key={t.team.slug}>
                <td className="py-2 pr-3">
                  <Link href={`/postmortems/actions?${new URLSearchParams({ team: t.team.slug })}`} className="text-sky-700 hover:underline dark:text-sky-400">
                    {t.team.name}
                  </Link>
                </td>
                <td className="py-2 pr-3 text-right tabular-nums">{t.open}</td>
                <td className="py-2 pr-3 text-right tabular-nums">{t.overdue > 0 ? <span className="font-medium text-red-700 dark:text-red-400">{t.overdue} overdue</span> : "none"}</td>
                <td className="py-2 text-right tabular-nums">{t.oldestOpenSeconds === null ? "—" : formatDuration(t.oldestOpenSeconds * 1000)}</td>
              </tr>
            ))}
          </Table>
          <MoreTeams count={actionItems.byTeam.length - TEAM_ROWS} noun="with open action items" />
        </Card>
      ) : null}

      <details className="rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800">
        <summary className="cursor-pointer font-medium">How these figures are measured</summary>
        <ul className="mt-3 list-disc space-y-1.5 pl-5 text-zinc-700 dark:text-zinc-300">
          <li>Incidents count in the {INSIGHT_PERIODS[insights.period].bucket} they opened, for the team that owns their service (teams nested under it included).</li>
          <li>
            <strong>Detected</strong>: the earlier of the incident&apos;s opening and the first time one of its alarms went to ALARM in the {DETECTION_LOOKBACK_HOURS} hours before
            it opened. <strong>Start of impact</strong>: the one set on its postmortem, else the detection. These are the rules of a postmortem&apos;s own milestones.
          </li>
          <li>
            <strong>Time to detect</strong>: from the start of impact to the detection, only for incidents whose start of impact was set on their postmortem (otherwise the
            first sign of impact is the detection itself, and the time to detect is unknown rather than 0). <strong>Time to acknowledge</strong>: from the detection to the
            acknowledgement. <strong>Time to recover</strong>: from the start of impact to the resolution. Each only for incidents that got there.
          </li>
          <li>Each time is a median with its sample size (n); below {INSIGHT_MIN_SAMPLES} incidents a figure is marked as having few samples.</li>
          <li>
            <strong>Repeat incident</strong>: another incident opened on the same service, or from one of the same alarms, in the {REPEAT_WINDOW_DAYS} days before it.
          </li>
          <li>
            <strong>Attributed to a deployment</strong>: linked to the deployment that likely caused it, by hand or by the attribution rule (as in the DORA change fail rate).
          </li>
          <li>Action items count in the {INSIGHT_PERIODS[insights.period].bucket} they were created, by what became of them since; overdue items are open or in progress past their due date.</li>
        </ul>
      </details>
    </>
  );
}
