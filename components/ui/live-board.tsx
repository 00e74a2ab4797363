"use client";

import Link from "next/link";
import { useEffect, useState, useSyncExternalStore } from "react";
import { RelativeTime } from "@/components/ui/relative-time";

/** The time, ticking every `everyMs`; the first render uses the server's time so that hydration matches what the server rendered. */
export function useNow(everyMs: number, serverNow: string): Date {
  const [now, setNow] = useState(() => new Date(serverNow));
  useEffect(() => {
    const first = setTimeout(() => setNow(new Date()), 0);
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [everyMs]);
  return now;
}

const subscribeToNothing = () => () => undefined;

/** False on the server and while hydrating, true after: what only the browser knows is rendered once hydration is done. */
function useIsHydrated(): boolean {
  return useSyncExternalStore(subscribeToNothing, () => true, () => false);
}

/**
 * How fresh a live board is: what AWS said when, when the portal last asked, and whether it is asking now. Whether it
 * is asking is the browser's to know (with its clock ahead the data is stale at once), so it shows after hydration:
 * otherwise the first render differs from the server's.
 */
export function BoardFreshness({ dataAsOf, checkedAt, isFetching, now }: { dataAsOf: string | null; checkedAt: Date; isFetching: boolean; now: Date }) {
  const isHydrated = useIsHydrated();
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
      {dataAsOf ? (
        <>
          AWS data as of <RelativeTime date={new Date(dataAsOf)} now={now} />
        </>
      ) : (
        "Not synced from AWS yet"
      )}{" "}
      · checked <RelativeTime date={checkedAt} now={now} />
      {isHydrated && isFetching ? " · refreshing…" : ""}
    </p>
  );
}

/** A live board that could not refresh keeps what it showed, and says so. */
export function BoardRefreshError({ error, everyMs }: { error: Error | null; everyMs: number }) {
  if (!error) return null;
  return (
    <p role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      Could not refresh the board ({error.message}); showing what was loaded last. It retries every {everyMs / 1000} s.
    </p>
  );
}

/** Previous / next links under a paged list; nothing when it fits one page. */
export function Pager({ page, total, pageSize, noun, hrefFor }: { page: number; total: number; pageSize: number; noun: string; hrefFor: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className="mt-6 flex items-center justify-between text-sm">
      {page > 1 ? <Link href={hrefFor(page - 1)} className="text-sky-700 hover:underline dark:text-sky-400">← Previous</Link> : <span />}
      <span className="text-zinc-600 dark:text-zinc-400">
        Page {page} of {pages} ({total} {noun})
      </span>
      {page < pages ? <Link href={hrefFor(page + 1)} className="text-sky-700 hover:underline dark:text-sky-400">Next →</Link> : <span />}
    </nav>
  );
}
