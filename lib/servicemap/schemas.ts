/**
 * The service map's query parameters and what the API returns. Safe on client and server.
 */
import { z } from "zod";
import { ZText, ZTimestamp } from "@/lib/schemas";
import { MAX_WINDOW_MS, WINDOW_PRESETS } from "@/lib/servicemap/window";

export const ZWindowPresetSchema = z.enum(Object.keys(WINDOW_PRESETS) as [keyof typeof WINDOW_PRESETS, ...(keyof typeof WINDOW_PRESETS)[]]);

const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);
/** A datetime-local input sends 2026-11-02T10:00 (no zone): read it as UTC, as the page says. */
const localToUtc = (v: unknown) => (v === "" ? undefined : typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : v);

export const ZServiceMapQuerySchema = z
  .object({
    window: z.preprocess(blankToUndefined, z.union([ZWindowPresetSchema, z.literal("custom")]).default("1h")),
    from: z.preprocess(localToUtc, ZTimestamp.optional()),
    to: z.preprocess(localToUtc, ZTimestamp.optional()),
    team: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9-]+$/).max(100).optional()),
    service: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9-]+$/).max(100).optional()),
    group: z.preprocess(blankToUndefined, ZText.min(1).max(32).default("Default")),
  })
  .superRefine((q, ctx) => {
    if (q.window !== "custom") return;
    if (!q.from || !q.to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "a custom window needs from and to" });
      return;
    }
    const length = Date.parse(q.to) - Date.parse(q.from);
    if (length <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    if (length > MAX_WINDOW_MS) ctx.addIssue({ code: "custom", path: ["to"], message: "a window is at most 30 days" });
  });
export type TServiceMapQuery = z.infer<typeof ZServiceMapQuerySchema>;

export type THealth = "ok" | "error" | "fault" | "throttle" | "idle";

export interface TMapStats {
  requests: number;
  perMinute: number;
  errors: number;
  faults: number;
  throttles: number;
  errorRate: number;
  faultRate: number;
  throttleRate: number;
  /** Mean response time, ms; null without requests. */
  meanMs: number | null;
}

export interface TMapNode extends TMapStats {
  id: number;
  name: string;
  type: string;
  accountId: string;
  region: string;
  p50Ms: number | null;
  p95Ms: number | null;
  health: THealth;
  service: { slug: string; name: string } | null;
  team: { slug: string; name: string } | null;
  /** Shown because it calls or is called by the filtered team's nodes, not because it is the team's. */
  isContext: boolean;
}

export interface TMapEdge extends TMapStats {
  id: number;
  source: number;
  target: number;
  health: THealth;
}

export interface TServiceMap {
  window: { from: string; to: string; minutes: number };
  group: string;
  groups: string[];
  nodes: TMapNode[];
  edges: TMapEdge[];
}

/** The query string of a map view (window, group, team, service), as the page URL and the API take it. */
export function mapQueryString(q: TServiceMapQuery): string {
  const p = new URLSearchParams({ window: q.window, group: q.group });
  if (q.window === "custom" && q.from && q.to) {
    p.set("from", q.from);
    p.set("to", q.to);
  }
  if (q.team) p.set("team", q.team);
  if (q.service) p.set("service", q.service);
  return p.toString();
}
