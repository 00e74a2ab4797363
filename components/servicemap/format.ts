/** Number formats the map and its panel share. */
export function formatRate(perMinute: number): string {
  if (perMinute >= 1000) return `${(perMinute / 1000).toFixed(1)}k/min`;
  if (perMinute >= 10) return `${Math.round(perMinute)}/min`;
  return `${perMinute.toFixed(1)}/min`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

export function formatPercent(share: number): string {
  if (share === 0) return "0%";
  if (share < 0.001) return "<0.1%";
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

/** A significant change as the map says it: "failures 0.2% → 4.1%", "p95 +340 ms", "mean −80 ms". */
export function formatChange(change: { metric: "failure rate" | "p95 latency" | "mean latency"; before: number; after: number }): string {
  if (change.metric === "failure rate") return `failures ${formatPercent(change.before)} → ${formatPercent(change.after)}`;
  const delta = change.after - change.before;
  return `${change.metric === "p95 latency" ? "p95" : "mean"} ${delta >= 0 ? "+" : "−"}${formatMs(Math.abs(delta))}`;
}
