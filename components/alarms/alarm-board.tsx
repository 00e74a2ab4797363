"use client";

import { useQuery } from "@tanstack/react-query";
import { ExternalLink } from "lucide-react";
import Link from "next/link";
import { AlarmStateBadge, SeverityBadge } from "@/components/alarms/alarm-state-badge";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { BoardFreshness, BoardRefreshError, Pager, useNow } from "@/components/ui/live-board";
import { RelativeTime } from "@/components/ui/relative-time";
import { alarmBoardQuery, STATE_LABEL, type TAlarmBoardPage, type TAlarmFilters, type TBoardAlarm, type TBoardState } from "@/lib/alarms/alarm-board";
import { apiFetch } from "@/lib/api-client";

/** How often the open board asks for news. Alarm state changes are pushed within seconds, so this is the delay users see. */
export const ALARM_BOARD_REFRESH_MS = 10_000;

/** Key factory for the alarm board's queries. */
export const alarmKeys = {
  all: ["alarms"] as const,
  list: (query: string) => ["alarms", "list", query] as const,
  metrics: (id: number, window: string) => ["alarms", "metrics", id, window] as const,
};

function AlarmRow({ alarm, now }: { alarm: TBoardAlarm; now: Date }) {
  return (
    <tr className="align-top" data-testid={`alarm-${alarm.name}`}>
      <td className="py-3 pr-4">
        <Link href={`/alarms/${alarm.id}`} className="font-medium break-words text-sky-700 hover:underline dark:text-sky-400">
          {alarm.name}
        </Link>
        <span className="block text-xs break-words text-zinc-600 dark:text-zinc-400">
          {alarm.type === "COMPOSITE" ? "Composite: " : ""}
          {alarm.condition ?? "—"}
        </span>
        <span className="block text-xs text-zinc-600 dark:text-zinc-400">
          {alarm.account.name} · {alarm.region}
        </span>
      </td>
      <td className="py-3 pr-4">
        <span className="flex flex-wrap items-center gap-1">
          <AlarmStateBadge state={alarm.state} />
          <SeverityBadge severity={alarm.severity} />
        </span>
        <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">
          since <RelativeTime date={new Date(alarm.since)} now={now} />
        </span>
      </td>
      <td className="py-3 text-xs text-zinc-700 dark:text-zinc-300">
        <span className="block break-words">{alarm.stateReason ?? "No reason given"}</span>
        <a href={alarm.consoleUrl} className="mt-1 flex w-fit items-center gap-1 text-sky-700 hover:underline dark:text-sky-400" rel="noreferrer">
          AWS console <ExternalLink aria-hidden className="size-3" />
          <span className="sr-only">for {alarm.name}</span>
        </a>
      </td>
    </tr>
  );
}

interface TTeamGroup {
  key: string;
  team: TBoardAlarm["team"];
  services: { key: string; service: TBoardAlarm["service"]; alarms: TBoardAlarm[] }[];
}

/**
 * By state (in alarm, insufficient data, OK), then by team and service in
 * the order their first alarm comes: the rows arrive newest change first,
 * so the team whose alarm just fired is on top.
 */
function groupAlarms(alarms: readonly TBoardAlarm[]): { state: TBoardState; teams: TTeamGroup[] }[] {
  const sections: { state: TBoardState; teams: TTeamGroup[] }[] = [];
  for (const alarm of alarms) {
    let section = sections.find((s) => s.state === alarm.state);
    if (!section) {
      section = { state: alarm.state, teams: [] };
      sections.push(section);
    }
    const teamKey = alarm.team?.slug ?? "";
    let group = section.teams.find((g) => g.key === teamKey);
    if (!group) {
      group = { key: teamKey, team: alarm.team, services: [] };
      section.teams.push(group);
    }
    const serviceKey = alarm.service?.slug ?? "";
    let service = group.services.find((s) => s.key === serviceKey);
    if (!service) {
      service = { key: serviceKey, service: alarm.service, alarms: [] };
      group.services.push(service);
    }
    service.alarms.push(alarm);
  }
  return sections;
}

/** The live board: starts from the server's render and polls the API while open. */
export function AlarmBoard({ initial, filters }: { initial: TAlarmBoardPage; filters: TAlarmFilters }) {
  const query = alarmBoardQuery(filters);
  const now = useNow(5_000, initial.generatedAt);
  const board = useQuery({
    queryKey: alarmKeys.list(query),
    queryFn: () => apiFetch<TAlarmBoardPage>(`/api/alarms${query ? `?${query}` : ""}`, { method: "GET" }),
    initialData: initial,
    initialDataUpdatedAt: Date.parse(initial.generatedAt),
    refetchInterval: ALARM_BOARD_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  const data = board.data;

  return (
    <>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3 text-sm">
        <p className="flex flex-wrap gap-2">
          <Badge tone="bad">{data.counts.alarm} in alarm</Badge>
          <Badge tone="warn">{data.counts.insufficient_data} insufficient data</Badge>
          <Badge tone="good">{data.counts.ok} OK</Badge>
        </p>
        <BoardFreshness dataAsOf={data.dataAsOf} checkedAt={new Date(board.dataUpdatedAt || data.generatedAt)} isFetching={board.isFetching} now={now} />
      </div>
      <BoardRefreshError error={board.isError ? board.error : null} everyMs={ALARM_BOARD_REFRESH_MS} />
      {data.alarms.length === 0 ? (
        <EmptyState title="No alarms match">
          {data.total === 0 && !query ? "Add an AWS account under Settings; its CloudWatch alarms appear after the first sync." : "Try fewer filters."}
        </EmptyState>
      ) : (
        <div className="space-y-8">
          {groupAlarms(data.alarms).map((section) => (
            <section key={section.state} aria-labelledby={`state-${section.state}`} className="space-y-4">
              <h2 id={`state-${section.state}`} className="flex items-center gap-2 text-base font-semibold">
                <AlarmStateBadge state={section.state} />
                <span>
                  {data.counts[section.state]} {data.counts[section.state] === 1 ? "alarm" : "alarms"}
                </span>
              </h2>
              {section.teams.map((group) => (
                <Card key={group.key || "none"} className="overflow-x-auto p-0">
                  <h3 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">
                    {group.team ? (
                      <Link href={`/teams/${group.team.slug}`} className="hover:underline">
                        {group.team.name}
                      </Link>
                    ) : (
                      "No team"
                    )}
                  </h3>
                  {group.services.map(({ key, service, alarms }) => (
                    <table key={key || "none"} className="w-full min-w-[56rem] table-fixed text-sm">
                      <caption className="px-5 pt-3 text-left text-xs font-semibold text-zinc-700 dark:text-zinc-300">
                        {service ? (
                          <Link href={`/services/${service.slug}`} className="hover:underline">
                            {service.name}
                          </Link>
                        ) : (
                          "No service mapped"
                        )}
                        <span className="sr-only">
                          {" "}
                          — {STATE_LABEL[section.state].toLowerCase()}, {group.team?.name ?? "no team"}
                        </span>
                      </caption>
                      {/* The same widths in every table, so the columns line up down the page. */}
                      <colgroup>
                        <col className="w-[34%]" />
                        <col className="w-[13rem]" />
                        <col />
                      </colgroup>
                      <thead className="sr-only">
                        <tr>
                          <th scope="col">Alarm</th>
                          <th scope="col">State</th>
                          <th scope="col">Reason</th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800 [&_td:first-child]:pl-5 [&_td:last-child]:pr-5">
                        {alarms.map((alarm) => (
                          <AlarmRow key={alarm.id} alarm={alarm} now={now} />
                        ))}
                      </tbody>
                    </table>
                  ))}
                </Card>
              ))}
            </section>
          ))}
        </div>
      )}
      <Pager page={data.page} total={data.total} pageSize={data.pageSize} noun="alarms" hrefFor={(page) => `/alarms?${alarmBoardQuery({ ...filters, page })}`} />
    </>
  );
}
