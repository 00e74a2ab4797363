/**
 * Windows are whole UTC days, half-open: [fromDay, toDay) in days since
 * 1970-01-01. Days keep every rollup exact at its edges; a window "of 90
 * days" is today and the 89 days before it.
 */
export const DAY_MS = 86_400_000;

export interface TDayWindow {
  fromDay: number;
  /** Exclusive. */
  toDay: number;
}

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);
export const dayToIso = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const isoToDay = (iso: string): number => dayOf(Date.parse(`${iso}T00:00:00Z`));
export const windowDays = (w: TDayWindow): number => w.toDay - w.fromDay;

/** The window of `days` days ending with (and including) the day of `now`. */
export function lastDays(days: number, now: number): TDayWindow {
  const toDay = dayOf(now) + 1;
  return { fromDay: toDay - days, toDay };
}

/** The window of equal length just before this one, for the change against it. */
export function previousWindow(w: TDayWindow): TDayWindow {
  return { fromDay: w.fromDay - windowDays(w), toDay: w.fromDay };
}

/** The 7-day periods counted back from the window's end (a shorter rest at the start is left out). */
export function fullWeeks(w: TDayWindow): TDayWindow[] {
  const weeks: TDayWindow[] = [];
  for (let end = w.toDay; end - 7 >= w.fromDay; end -= 7) weeks.push({ fromDay: end - 7, toDay: end });
  return weeks.reverse();
}

/** Trend buckets: ISO weeks (Monday first) or calendar months, the last `count` up to and including the one holding `now`. */
export function trendBuckets(bucket: "week" | "month", count: number, now: number): TDayWindow[] {
  const today = dayOf(now);
  const out: TDayWindow[] = [];
  if (bucket === "week") {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    const monday = today - ((today + 3) % 7);
    for (let i = count - 1; i >= 0; i--) out.push({ fromDay: monday - 7 * i, toDay: monday - 7 * i + 7 });
    return out;
  }
  const d = new Date(today * DAY_MS);
  for (let i = count - 1; i >= 0; i--) {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1);
    const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i + 1, 1);
    out.push({ fromDay: dayOf(start), toDay: dayOf(end) });
  }
  return out;
}

/**
 * The window as aligned blocks of 2^level days (block b of level L covers
 * [b·2^L, (b+1)·2^L)), largest first where they fit: at most two blocks per
 * level below the largest. The histogram rollup keeps one row per team and block.
 */
/** The largest block is 2^6 = 64 days (dora_apply's levels 0-6, prisma/sql/dora/20-facts.sql). */
export const MAX_LEVEL = 6;

export function dyadicBlocks(w: TDayWindow, maxLevel = MAX_LEVEL): { level: number; block: number }[] {
  const blocks: { level: number; block: number }[] = [];
  let day = w.fromDay;
  while (day < w.toDay) {
    let level = 0;
    while (level < maxLevel) {
      const size = 2 ** (level + 1);
      if (day % size !== 0 || day + size > w.toDay) break;
      level++;
    }
    blocks.push({ level, block: day / 2 ** level });
    day += 2 ** level;
  }
  return blocks;
}
