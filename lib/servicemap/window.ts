/**
 * Map windows: presets relative to now, or a custom [from, to), and the plan
 * that reads a window from stored buckets (whole hours from hourly rows, the
 * ragged ends from 5-minute rows; before the raw retention, hours only).
 */
import { BUCKET_SECONDS, HOUR_SECONDS } from "@/lib/servicemap/collect/types";

export const WINDOW_PRESETS = { "15m": 15, "1h": 60, "6h": 360, "24h": 1440, "7d": 10_080 } as const;
export type TWindowPreset = keyof typeof WINDOW_PRESETS;
export const WINDOW_LABELS: Record<TWindowPreset, string> = { "15m": "Last 15 minutes", "1h": "Last hour", "6h": "Last 6 hours", "24h": "Last 24 hours", "7d": "Last 7 days" };
/** The longest window a map reads (X-Ray keeps 30 days; so do the hourly rows). */
export const MAX_WINDOW_MS = 30 * 24 * 3600_000;

const BUCKET_MS = BUCKET_SECONDS * 1000;
const HOUR_MS = HOUR_SECONDS * 1000;
const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const ceilTo = (ms: number, step: number) => Math.ceil(ms / step) * step;

export interface TWindow {
  from: Date;
  to: Date;
}

/** A preset ends at the last 5-minute boundary, so two requests a few seconds apart read the same buckets. */
export function presetWindow(preset: TWindowPreset, now: Date): TWindow {
  const to = floorTo(now.getTime(), BUCKET_MS);
  return { from: new Date(to - WINDOW_PRESETS[preset] * 60_000), to: new Date(to) };
}

export interface TSegment {
  seconds: number;
  from: Date;
  to: Date;
}

export interface TWindowPlan {
  /** The window actually read: rounded out to 5 minutes, and to hours where only hourly rows are left. */
  window: TWindow;
  segments: TSegment[];
}

/**
 * @param rawSince 5-minute rows exist from here on (now − raw retention); earlier, hourly rows only.
 */
export function planWindow(requested: TWindow, rawSince: Date): TWindowPlan {
  let from = floorTo(requested.from.getTime(), BUCKET_MS);
  let to = ceilTo(requested.to.getTime(), BUCKET_MS);
  const raw = ceilTo(rawSince.getTime(), HOUR_MS);
  if (from < raw) from = floorTo(from, HOUR_MS);
  if (to < raw) to = ceilTo(to, HOUR_MS);
  const hourFrom = ceilTo(from, HOUR_MS);
  const hourTo = floorTo(to, HOUR_MS);
  const segments: TSegment[] = [];
  const push = (seconds: number, a: number, b: number) => {
    if (a < b) segments.push({ seconds, from: new Date(a), to: new Date(b) });
  };
  if (hourFrom < hourTo) {
    push(BUCKET_SECONDS, from, hourFrom);
    push(HOUR_SECONDS, hourFrom, hourTo);
    push(BUCKET_SECONDS, hourTo, to);
  } else {
    push(BUCKET_SECONDS, from, to);
  }
  return { window: { from: new Date(from), to: new Date(to) }, segments };
}
