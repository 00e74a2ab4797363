import Link from "next/link";
import { AlarmStateBadge, SeverityBadge } from "@/components/alarms/alarm-state-badge";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { alarmBoardQuery, ZAlarmFiltersSchema } from "@/lib/alarms/alarm-board";
import { findAlarms } from "@/lib/alarms/server/find-alarms";

/**
 * A team's or a service's alarms, ALARM first, as on the board (at most
 * `limit`). A server component that reads its own rows, so that a page adds
 * it with one line.
 */
export async function AlarmsCard({ filter, limit = 6 }: { filter: { team?: string; service?: string }; limit?: number }) {
  const board = await findAlarms(ZAlarmFiltersSchema.parse(filter), limit);
  const now = new Date();
  return (
    <Card>
      <CardTitle
        action={
          <Link href={`/alarms?${alarmBoardQuery(filter)}`} className="text-sm font-normal text-sky-700 normal-case hover:underline dark:text-sky-400">
            All on the board
          </Link>
        }
      >
        Alarms
      </CardTitle>
      {board.total === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No CloudWatch alarm is mapped here yet (tag it portside:service, or name it in the service&apos;s catalog file).</p>
      ) : (
        <>
          <p className="mb-3 flex flex-wrap gap-2 text-sm">
            {board.counts.alarm ? <Badge tone="bad">{board.counts.alarm} in alarm</Badge> : null}
            {board.counts.insufficient_data ? <Badge tone="warn">{board.counts.insufficient_data} insufficient data</Badge> : null}
            <Badge tone="good">{board.counts.ok} OK</Badge>
          </p>
          <ul className="space-y-3" aria-label="Alarms">
            {board.alarms.map((a) => (
              <li key={a.id}>
                <p className="flex flex-wrap items-center gap-2 text-sm">
                  <Link href={`/alarms/${a.id}`} className="font-medium break-all text-sky-700 hover:underline dark:text-sky-400">
                    {a.name}
                  </Link>
                  <AlarmStateBadge state={a.state} />
                  <SeverityBadge severity={a.severity} />
                </p>
                <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
                  since <RelativeTime date={new Date(a.since)} now={now} />
                  {a.state !== "ok" && a.stateReason ? ` · ${a.stateReason}` : ""}
                </p>
              </li>
            ))}
          </ul>
          {board.total > board.alarms.length ? <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">and {board.total - board.alarms.length} more on the board</p> : null}
        </>
      )}
    </Card>
  );
}
