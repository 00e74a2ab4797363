/**
 * A node's or edge's health over a window, by the share of its requests that
 * faulted (5xx), were throttled (429) or erred (4xx), worst first. The map
 * colours it (fault red, error orange, throttle purple) and always says it in words.
 */
import type { THealth, TMapStats } from "@/lib/servicemap/schemas";

export const HEALTH_THRESHOLDS = { fault: 0.01, throttle: 0.01, error: 0.05 } as const;

export const HEALTH_LABELS: Record<THealth, string> = {
  ok: "Healthy",
  fault: "Faults",
  throttle: "Throttled",
  error: "Errors",
  idle: "No traffic",
};

export function healthOf(s: Pick<TMapStats, "requests" | "faultRate" | "errorRate" | "throttleRate">): THealth {
  if (s.requests === 0) return "idle";
  if (s.faultRate >= HEALTH_THRESHOLDS.fault) return "fault";
  if (s.throttleRate >= HEALTH_THRESHOLDS.throttle) return "throttle";
  if (s.errorRate >= HEALTH_THRESHOLDS.error) return "error";
  return "ok";
}

export interface TRawCounts {
  requests: number;
  errors: number;
  faults: number;
  throttles: number;
  totalResponseTime: number;
}

export function mapStats(c: TRawCounts, minutes: number): TMapStats {
  const rate = (n: number) => (c.requests > 0 ? n / c.requests : 0);
  return {
    requests: c.requests,
    perMinute: minutes > 0 ? c.requests / minutes : 0,
    errors: c.errors,
    faults: c.faults,
    throttles: c.throttles,
    errorRate: rate(c.errors),
    faultRate: rate(c.faults),
    throttleRate: rate(c.throttles),
    meanMs: c.requests > 0 ? (c.totalResponseTime / c.requests) * 1000 : null,
  };
}
