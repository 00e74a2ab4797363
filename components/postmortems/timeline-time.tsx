"use client";

import { useSyncExternalStore } from "react";

/** "2026-12-08 14:05:32 UTC" (seconds optional): the time every reader shares, and the one printed. */
export function formatUtc(iso: string, isSeconds = true): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, isSeconds ? 19 : 16)} UTC`;
}

const subscribeToNothing = () => () => undefined;

function readerZone(): string | null {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone === "UTC" || zone === "Etc/UTC" || zone === "Etc/GMT" ? null : zone;
}

/**
 * A time in UTC and, once in the browser, in the reader's own zone (the server
 * does not know it: rendering it there would differ from the browser's first
 * render). Readers in UTC see it once.
 */
export function DualTime({ iso, isSeconds = true }: { iso: string; isSeconds?: boolean }) {
  const zone = useSyncExternalStore(subscribeToNothing, readerZone, () => null);
  const local = zone
    ? new Intl.DateTimeFormat(undefined, {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        ...(isSeconds && { second: "2-digit" }),
        timeZone: zone,
        timeZoneName: "short",
      }).format(new Date(iso))
    : null;
  return (
    <span>
      <time dateTime={iso} className="whitespace-nowrap tabular-nums">
        {formatUtc(iso, isSeconds)}
      </time>
      {local ? (
        <span className="text-zinc-600 print:hidden dark:text-zinc-400">
          {" · "}
          <span className="sr-only">your time: </span>
          <span className="whitespace-nowrap">{local}</span>
        </span>
      ) : null}
    </span>
  );
}

/** The value of a `datetime-local` input for an ISO time, read as UTC (the inputs on the page say so). */
export function toUtcInput(iso: string | null): string {
  return iso ? iso.slice(0, 19) : "";
}

/** An ISO time from a `datetime-local` input's value, read as UTC; null when it is empty or not a time. */
export function fromUtcInput(value: string): string | null {
  if (!value) return null;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const ms = Date.parse(`${withSeconds}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
