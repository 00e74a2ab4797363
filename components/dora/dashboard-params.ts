/**
 * The DORA dashboards' URL parameters: what they mean, their defaults, and
 * links that change one of them while keeping the rest. A hand-edited bad
 * value falls back to its default rather than an error page.
 */
import { BAND_YEARS, DEFAULT_BAND_YEAR, type TBandYear } from "@/lib/dora/bands";
import { DEFAULT_WINDOW_DAYS, METRIC_KEYS, WINDOW_PRESETS, type TMetricKey } from "@/lib/dora/schemas";

export interface TDashboardParams {
  window: (typeof WINDOW_PRESETS)[number];
  bands: TBandYear;
  team?: string;
  service?: string;
  /** The figure whose rows are open. */
  rows?: TMetricKey;
}

type TRawParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
const SLUG = /^[a-z0-9][a-z0-9._-]{0,199}$/i;

export function parseDashboardParams(raw: TRawParams): TDashboardParams {
  const window = Number(first(raw.window));
  const bands = Number(first(raw.bands));
  const rows = first(raw.rows);
  const team = first(raw.team);
  const service = first(raw.service);
  return {
    window: (WINDOW_PRESETS as readonly number[]).includes(window) ? (window as TDashboardParams["window"]) : DEFAULT_WINDOW_DAYS,
    bands: (BAND_YEARS as readonly number[]).includes(bands) ? (bands as TBandYear) : DEFAULT_BAND_YEAR,
    team: team && SLUG.test(team) ? team : undefined,
    service: service && SLUG.test(service) ? service : undefined,
    rows: rows && (METRIC_KEYS as readonly string[]).includes(rows) ? (rows as TMetricKey) : undefined,
  };
}

/** The dashboard URL with some parameters changed (undefined removes one); defaults are left out to keep URLs short. */
export function dashboardHref(path: string, params: TDashboardParams, change: Partial<Record<keyof TDashboardParams, string | number | undefined>> = {}): string {
  const merged: Record<string, string | number | undefined> = { ...params, ...change };
  const search = new URLSearchParams();
  for (const key of ["team", "service", "window", "bands", "rows"] as const) {
    const value = merged[key];
    if (value === undefined || value === "") continue;
    if (key === "window" && Number(value) === DEFAULT_WINDOW_DAYS) continue;
    if (key === "bands" && Number(value) === DEFAULT_BAND_YEAR) continue;
    search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The scope and window as the DORA API takes them (team or service, not both: a service wins). */
export function apiScope(params: TDashboardParams): { team?: string; service?: string; window: number } {
  return params.service ? { service: params.service, window: params.window } : { team: params.team, window: params.window };
}

export function apiQueryString(params: TDashboardParams): string {
  const scope = apiScope(params);
  const search = new URLSearchParams();
  if (scope.service) search.set("service", scope.service);
  if (scope.team) search.set("team", scope.team);
  search.set("window", String(scope.window));
  return search.toString();
}

/** Weekly buckets to cover the window, within what reads on a small chart. */
export function trendWeeks(windowDays: number): number {
  return Math.min(52, Math.max(8, Math.ceil(windowDays / 7)));
}

export const WINDOW_OPTIONS: [string, string][] = WINDOW_PRESETS.map((d) => [String(d), `Last ${d} days`]);
export const BAND_OPTIONS: [string, string][] = BAND_YEARS.map((y) => [String(y), `DORA ${y}`]);

/** Values the filter forms leave out of the URL (they are what an absent parameter means). */
export const FILTER_DEFAULTS: Record<string, string> = { window: String(DEFAULT_WINDOW_DAYS), bands: String(DEFAULT_BAND_YEAR), sort: "team", dir: "asc" };
