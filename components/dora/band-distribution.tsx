import { BAND_LABEL, METRIC_META } from "@/components/dora/metric-format";
import { BANDS, type TBand } from "@/lib/dora/bands";
import type { TDoraTeamRollup, TMetricKey } from "@/lib/dora/schemas";

const BANDED: TMetricKey[] = ["deploymentFrequency", "leadTime", "changeFailRate", "recoveryTime"];
const FILL: Record<TBand | "none", string> = {
  elite: "bg-emerald-500",
  high: "bg-sky-500",
  medium: "bg-amber-400",
  low: "bg-red-500",
  none: "bg-zinc-300 dark:bg-zinc-700",
};

/** How many teams sit in each band, per metric: a bar for the eye, the counts in words beside it. */
export function BandDistribution({ teams }: { teams: readonly TDoraTeamRollup[] }) {
  return (
    <div className="space-y-4">
      {BANDED.map((metric) => {
        const counts = new Map<TBand | "none", number>();
        for (const t of teams) {
          const band = t.current[metric].band ?? "none";
          counts.set(band, (counts.get(band) ?? 0) + 1);
        }
        const segments = [...BANDS, "none" as const].map((b) => ({ band: b, n: counts.get(b) ?? 0 })).filter((s) => s.n > 0);
        return (
          <div key={metric}>
            <h3 className="mb-1 text-sm font-medium">{METRIC_META[metric].label}</h3>
            <div aria-hidden className="flex h-3 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800">
              {segments.map((s) => (
                <div key={s.band} className={FILL[s.band]} style={{ width: `${(100 * s.n) / Math.max(1, teams.length)}%` }} />
              ))}
            </div>
            <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-zinc-600 dark:text-zinc-400" aria-label={`${METRIC_META[metric].label}: teams per band`}>
              {segments.map((s) => (
                <li key={s.band} className="inline-flex items-center gap-1">
                  <span aria-hidden className={`size-2 rounded-full ${FILL[s.band]}`} />
                  {s.band === "none" ? "No band" : BAND_LABEL[s.band]}: <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">{s.n}</span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}
