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
