import { cn } from "@/components/ui/cn";
import { HEALTH_LABELS, HEALTH_THRESHOLDS } from "@/lib/servicemap/health";
import type { THealth } from "@/lib/servicemap/schemas";

/** Fault red, error orange, throttle purple: always beside the word, never colour alone. */
export const HEALTH_STYLES: Record<THealth, { ring: string; badge: string; dot: string; stroke: string }> = {
  fault: { ring: "border-red-600 dark:border-red-500", badge: "bg-red-50 text-red-800 ring-red-300 dark:bg-red-950 dark:text-red-200 dark:ring-red-800", dot: "bg-red-600", stroke: "#dc2626" },
  error: { ring: "border-orange-500 dark:border-orange-400", badge: "bg-orange-50 text-orange-900 ring-orange-300 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-800", dot: "bg-orange-500", stroke: "#ea580c" },
  throttle: { ring: "border-purple-600 dark:border-purple-400", badge: "bg-purple-50 text-purple-800 ring-purple-300 dark:bg-purple-950 dark:text-purple-200 dark:ring-purple-800", dot: "bg-purple-600", stroke: "#9333ea" },
  ok: { ring: "border-emerald-500 dark:border-emerald-600", badge: "bg-emerald-50 text-emerald-800 ring-emerald-300 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800", dot: "bg-emerald-500", stroke: "#71717a" },
  idle: { ring: "border-zinc-300 dark:border-zinc-600", badge: "bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-700", dot: "bg-zinc-400", stroke: "#a1a1aa" },
};

export function HealthBadge({ health }: { health: THealth }) {
  return (
    <span className={cn("inline-flex items-center gap-1 rounded-full px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset", HEALTH_STYLES[health].badge)}>
      <span aria-hidden className={cn("size-1.5 rounded-full", HEALTH_STYLES[health].dot)} />
      {HEALTH_LABELS[health]}
    </span>
  );
}

export function HealthLegend() {
  const items: [THealth, string][] = [
    ["fault", `5xx on ≥ ${HEALTH_THRESHOLDS.fault * 100}% of requests`],
    ["throttle", `429 on ≥ ${HEALTH_THRESHOLDS.throttle * 100}%`],
    ["error", `other 4xx on ≥ ${HEALTH_THRESHOLDS.error * 100}%`],
    ["ok", "below those"],
  ];
  return (
    <ul aria-label="Legend" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      {items.map(([health, text]) => (
        <li key={health} className="flex items-center gap-1.5">
          <HealthBadge health={health} />
          <span>{text}</span>
        </li>
      ))}
      <li>Edge width: traffic; label: mean latency · error rate</li>
    </ul>
  );
}
