import Link from "next/link";
import { AlertTriangle, Clock } from "lucide-react";
import { daysUntilDue, isActionItemDueSoon } from "@/lib/postmortems/action-item-due";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Table } from "@/components/ui/table";
import { ACTION_ITEM_PRIORITY_LABELS, ACTION_ITEM_STATUS_LABELS, ACTION_ITEM_TYPE_LABELS, type TActionItemPriority, type TActionItemStatus } from "@/lib/postmortems/schemas";
import type { TActionItemRow } from "@/lib/postmortems/server/find-action-items";

const PRIORITY_TONE: Record<TActionItemPriority, TBadgeTone> = { P1: "bad", P2: "warn", P3: "neutral", P4: "neutral" };
const STATUS_TONE: Record<TActionItemStatus, TBadgeTone> = { OPEN: "neutral", IN_PROGRESS: "info", DONE: "good", WONT_DO: "neutral" };

/** "overdue 3 days" / "due in 5 days" / "due today", counted in whole UTC days. */
function dueText(dueAt: string, isOverdue: boolean, now: Date): string {
  const days = daysUntilDue(dueAt, now);
  const n = Math.abs(days);
  const unit = n === 1 ? "day" : "days";
  if (isOverdue) return days === 0 ? "overdue today" : `overdue ${n} ${unit}`;
  if (days === 0) return "due today";
  return days > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

/** The due date, with overdue ones and those due within a week marked by an icon and words, not by colour alone. */
export function ActionItemDue({ item, now }: { item: Pick<TActionItemRow, "dueAt" | "isOverdue" | "status">; now: Date }) {
  if (!item.dueAt) return <span className="text-zinc-500 dark:text-zinc-400">No due date</span>;
  const date = item.dueAt.slice(0, 10);
  if (item.isOverdue) {
    return (
      <span className="inline-flex items-start gap-1 font-medium text-red-700 dark:text-red-400">
        <AlertTriangle aria-hidden className="mt-0.5 size-3.5 shrink-0" />
        <span>
          <time dateTime={item.dueAt}>{date}</time>
          <span className="block text-xs">{dueText(item.dueAt, true, now)}</span>
        </span>
      </span>
    );
  }
  if (isActionItemDueSoon(item, now)) {
    return (
      <span className="inline-flex items-start gap-1 text-amber-800 dark:text-amber-300">
        <Clock aria-hidden className="mt-0.5 size-3.5 shrink-0" />
        <span>
          <time dateTime={item.dueAt}>{date}</time>
          <span className="block text-xs font-medium">due soon, {dueText(item.dueAt, false, now)}</span>
        </span>
      </span>
    );
  }
  return (
    <span>
      <time dateTime={item.dueAt}>{date}</time>
      <span className="block text-xs text-zinc-500 dark:text-zinc-400">{dueText(item.dueAt, false, now)}</span>
    </span>
  );
}

export function ActionItemPriorityBadge({ priority }: { priority: TActionItemPriority }) {
  return <Badge tone={PRIORITY_TONE[priority]}>{ACTION_ITEM_PRIORITY_LABELS[priority]}</Badge>;
}

/**
 * Action items, read-only: each links to its postmortem (where it is
 * edited). A server component; `now` is the page's clock.
 */
export function ActionItemsTable({
  items,
  now,
  caption,
  showTeam = true,
  showOwner = true,
  isPadded = false,
}: {
  items: TActionItemRow[];
  now: Date;
  caption: string;
  showTeam?: boolean;
  /** Off where every item is one person's (their own list). */
  showOwner?: boolean;
  isPadded?: boolean;
}) {
  const cell = isPadded ? "px-5 py-3 align-top" : "py-2 pr-3 align-top";
  return (
    <Table
      caption={caption}
      isPadded={isPadded}
      columns={[{ label: "Action item" }, ...(showOwner ? [{ label: "Owner" }] : []), { label: "Type" }, { label: "Priority" }, { label: "Due" }, { label: "Status" }]}
    >
      {items.map((item) => (
        <tr key={item.id} data-testid={`action-item-${item.id}`} className={item.isOverdue ? "bg-red-50/60 dark:bg-red-950/30" : undefined}>
          <td className={cell}>
            <Link href={`/postmortems/${item.postmortem.id}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
              {item.title}
            </Link>
            <span className="mt-0.5 block text-xs text-zinc-600 dark:text-zinc-400">
              from “{item.postmortem.title}”{showTeam ? <> · {item.team.name}</> : null}
            </span>
          </td>
          {showOwner ? <td className={cell}>{item.owner ? item.owner.name : <span className="text-zinc-500 dark:text-zinc-400">Nobody yet</span>}</td> : null}
          <td className={cell}>{ACTION_ITEM_TYPE_LABELS[item.type]}</td>
          <td className={cell}>
            <ActionItemPriorityBadge priority={item.priority} />
          </td>
          <td className={`${cell} whitespace-nowrap`}>
            <ActionItemDue item={item} now={now} />
          </td>
          <td className={cell}>
            <Badge tone={STATUS_TONE[item.status]}>{ACTION_ITEM_STATUS_LABELS[item.status]}</Badge>
          </td>
        </tr>
      ))}
    </Table>
  );
}
