import Link from "next/link";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import { BandBadge } from "@/components/dora/band-badge";
import { ChangeIndicator } from "@/components/dora/change-indicator";
import type { TExecSort, TSortKey } from "@/components/dora/exec-sort";
import { figureChange, figuresOf, formatFigure, METRIC_META } from "@/components/dora/metric-format";
import { cn } from "@/components/ui/cn";
import type { TDoraMetrics, TDoraTeamRollup, TMetricKey } from "@/lib/dora/schemas";

function FigureCell({ metric, current, previous }: { metric: TMetricKey; current: TDoraMetrics; previous: TDoraMetrics }) {
  const figure = current[metric];
  const shown = formatFigure(metric, figure);
  return (
    <td className="px-3 py-2.5 align-top">
      {shown ? (
        <span className="block font-medium whitespace-nowrap tabular-nums">
          {shown.value} <span className="text-xs font-normal text-zinc-600 dark:text-zinc-400">{shown.unit === "of deployments" ? "" : shown.unit}</span>
        </span>
      ) : (
        <span className="block text-zinc-500 dark:text-zinc-400">No data</span>
      )}
      <span className="mt-1 flex flex-wrap items-center gap-1.5">
        {/* Rework has no published bands: the table says so once, under it, not in every row. */}
        {metric === "reworkRate" ? null : <BandBadge band={figure.band} isLowSample={figure.isLowSample} isCompact />}
        <ChangeIndicator change={figureChange(metric, figure, previous[metric])} isCompact />
      </span>
      <span className={cn("block text-xs", figure.isLowSample ? "font-medium text-amber-800 dark:text-amber-300" : "text-zinc-500 dark:text-zinc-400")}>
        n = {figure.sampleSize.toLocaleString("en")}
        {figure.isLowSample ? " (low)" : ""}
      </span>
    </td>
  );
}

/**
 * Every team in one table with its five figures, bands, sample sizes and
 * change against the previous window; the organisation's row sits beside
 * them, never alone. Sorting is a link per header (works without
 * JavaScript, keeps the sort in the URL).
 */
export function ExecTable({ teams, org, sort, sortHref }: {
  teams: readonly TDoraTeamRollup[];
  org: { current: TDoraMetrics; previous: TDoraMetrics };
  sort: TExecSort;
  sortHref: (key: TSortKey, dir: "asc" | "desc") => string;
}) {
  const columns: { key: TSortKey; label: string }[] = [{ key: "team", label: "Team" }, ...figuresOf(org.current).map(([metric]) => ({ key: metric as TSortKey, label: METRIC_META[metric].short }))];
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[64rem] text-sm">
        <caption className="sr-only">Every team&apos;s DORA figures; column headers sort the table</caption>
        <thead>
          <tr className="border-b border-zinc-200 text-left text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
            {columns.map((c) => {
              const isSorted = sort.key === c.key;
              const nextDir = isSorted && sort.dir === "asc" ? "desc" : "asc";
              const Icon = !isSorted ? ArrowUpDown : sort.dir === "asc" ? ArrowUp : ArrowDown;
              return (
                <th key={c.key} scope="col" aria-sort={isSorted ? (sort.dir === "asc" ? "ascending" : "descending") : "none"} className="px-3 py-2 font-medium">
                  <Link href={sortHref(c.key, nextDir)} scroll={false} className={cn("inline-flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100", isSorted && "text-zinc-900 dark:text-zinc-100")}>
                    {c.label}
                    <Icon aria-hidden className="size-3.5" />
                    <span className="sr-only">
                      {c.key === "team" ? `, sort ${nextDir === "asc" ? "A to Z" : "Z to A"}` : `, sort ${nextDir === "asc" ? "best first" : "worst first"}`}
                    </span>
                  </Link>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {teams.map((t) => (
            <tr key={t.team.slug} data-testid={`exec-row-${t.team.slug}`}>
              <th scope="row" className="px-3 py-2.5 text-left align-top font-medium">
                <Link href={`/teams/${t.team.slug}`} className="text-sky-700 hover:underline dark:text-sky-400">
                  {t.team.name}
                </Link>
                {t.team.hasChildren ? <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">group, teams below included</span> : null}
              </th>
              {figuresOf(t.current).map(([metric]) => (
                <FigureCell key={metric} metric={metric} current={t.current} previous={t.previous} />
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t-2 border-zinc-200 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-950/40">
            <th scope="row" className="px-3 py-2.5 text-left align-top font-semibold">
              Organisation
              <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">every team together</span>
            </th>
            {figuresOf(org.current).map(([metric]) => (
              <FigureCell key={metric} metric={metric} current={org.current} previous={org.previous} />
            ))}
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
