import Link from "next/link";
import { ChangeIndicator } from "@/components/dora/change-indicator";
import { figureChange, figuresOf, figureText, METRIC_META, type TChange } from "@/components/dora/metric-format";
import type { TDoraTeamRollup, TMetricKey } from "@/lib/dora/schemas";

export interface TMove {
  team: TDoraTeamRollup["team"];
  metric: TMetricKey;
  change: TChange;
  now: string;
  was: string;
}

/**
 * The biggest changes against the previous window, best and worst, across
 * teams and metrics. Only figures with enough samples in both windows count:
 * a team going from 2 deployments to 4 is not a story.
 */
export function findMovers(teams: readonly TDoraTeamRollup[], count = 5): { improved: TMove[]; declined: TMove[] } {
  const moves: TMove[] = [];
  for (const t of teams) {
    for (const [metric, figure] of figuresOf(t.current)) {
      const before = t.previous[metric];
      if (figure.isLowSample || before.isLowSample) continue;
      const change = figureChange(metric, figure, before);
      if (!change || change.verdict === "same") continue;
      moves.push({ team: t.team, metric, change, now: figureText(metric, figure), was: figureText(metric, before) });
    }
  }
  const improved = moves.filter((m) => m.change.score > 0).sort((a, b) => b.change.score - a.change.score).slice(0, count);
  const declined = moves.filter((m) => m.change.score < 0).sort((a, b) => a.change.score - b.change.score).slice(0, count);
  return { improved, declined };
}

function MoveList({ title, moves, empty }: { title: string; moves: TMove[]; empty: string }) {
  return (
    <div>
      <h3 className="mb-2 text-sm font-medium">{title}</h3>
      {moves.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{empty}</p>
      ) : (
        <ol className="space-y-2" aria-label={title}>
          {moves.map((m) => (
            <li key={`${m.team.slug}:${m.metric}`} className="flex items-start justify-between gap-3 text-sm">
              <span className="min-w-0">
                <Link href={`/teams/${m.team.slug}`} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                  {m.team.name}
                </Link>
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">
                  {METRIC_META[m.metric].label}: {m.was} → {m.now}
                </span>
              </span>
              <ChangeIndicator change={m.change} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function Movers({ teams }: { teams: readonly TDoraTeamRollup[] }) {
  const { improved, declined } = findMovers(teams);
  return (
    <div className="grid gap-6 sm:grid-cols-2">
      <MoveList title="Improved most" moves={improved} empty="No team improved a figure with enough samples." />
      <MoveList title="Declined most" moves={declined} empty="No team declined on a figure with enough samples." />
    </div>
  );
}
