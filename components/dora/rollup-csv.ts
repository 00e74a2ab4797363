import { figureChange, figuresOf, figureText, toCsv } from "@/components/dora/metric-format";
import type { TDoraRollup } from "@/lib/dora/schemas";

const HEADER = ["team", "team_slug", "is_group", "metric", "value", "unit", "shown_as", "sample_size", "low_sample", "band", "band_year", "previous_value", "change", "window_from", "window_to"] as const;

/** The executive table as CSV: one line per team and metric, the organisation last. */
export function rollupCsv(rollup: TDoraRollup): string {
  const rows = [...rollup.teams.map((t) => ({ name: t.team.name, slug: t.team.slug, isGroup: t.team.hasChildren, ...t })), { name: "Organisation", slug: "", isGroup: true, ...rollup.org }];
  return toCsv(
    HEADER,
    rows.flatMap((r) =>
      figuresOf(r.current).map(([metric, f]) => {
        const prev = r.previous[metric];
        return [r.name, r.slug, r.isGroup, metric, f.value, f.unit, figureText(metric, f), f.sampleSize, f.isLowSample, f.band, f.bandYear, prev.value, figureChange(metric, f, prev)?.amount, r.current.window.from, r.current.window.to];
      }),
    ),
  );
}
