import type { TActionItemStatus } from "@/lib/postmortems/schemas";

const DAY_MS = 86_400_000;

/** Open action items due within this many days are marked "due soon" (overdue ones are marked overdue instead). */
export const DUE_SOON_DAYS = 7;

/** Whole UTC days from today (by `now`) to the due date: 0 today, 1 tomorrow, -2 two days ago. */
export function daysUntilDue(dueAt: string, now: Date): number {
  return Math.round((Date.parse(dueAt.slice(0, 10)) - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) / DAY_MS);
}

/** Still open or in progress, not overdue, and due within DUE_SOON_DAYS days of `now`. */
export function isActionItemDueSoon(item: { dueAt: string | null; status: TActionItemStatus; isOverdue: boolean }, now: Date): boolean {
  if (item.dueAt === null || item.isOverdue || (item.status !== "OPEN" && item.status !== "IN_PROGRESS")) return false;
  const days = daysUntilDue(item.dueAt, now);
  return days >= 0 && days <= DUE_SOON_DAYS;
}
