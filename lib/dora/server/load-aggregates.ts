import "server-only";
import { preparedQuery } from "@/lib/db";
import { aggregateFacts, emptyAggregate, type TDeploymentFact, type TDoraAggregate } from "@/lib/dora/metrics";
import { addToDense, denseHistogram, mergeDense, type TDenseHistogram } from "@/lib/dora/stats";
import { dyadicBlocks, fullWeeks, type TDayWindow } from "@/lib/dora/windows";

/**
 * The fast path: aggregates of DORA figures for windows, read from the
 * rollups the triggers keep (prisma/sql/dora/20-facts.sql):
 *
 * - counts from "DoraDay" (team × day), exact; deployment days per week as a
 *   7-bit mask per week, so that nested teams' days are counted once;
 * - lead and recovery times from "DoraHistogram", the window cut into
 *   aligned blocks of 2^k days (at most two per size) and their 2% log
 *   histograms merged: percentiles within 1% (lib/dora/stats.ts).
 *
 * Two statements for any number of windows and teams. A service's figures are
 * computed exactly from its facts instead (a few hundred rows).
 */

/** The organisation's own rows in "DoraDay" and "DoraHistogram" (dora_apply, prisma/sql/dora/20-facts.sql): the sum of every team's. */
export const ORG_TEAM_ID = 0;

interface TTeamPart {
  deployments: number;
  failures: number;
  rework: number;
  succeeded: number;
  leadKnownDeployments: number;
  leadUnknownCommits: number;
  unrecovered: number;
  /** week index (counted back from the window's end) → days with a deployment, as bits. */
  weekMasks: Map<number, number>;
  lead: TDenseHistogram;
  recovery: TDenseHistogram;
}

const emptyPart = (): TTeamPart => ({
  deployments: 0, failures: 0, rework: 0, succeeded: 0, leadKnownDeployments: 0, leadUnknownCommits: 0, unrecovered: 0,
  weekMasks: new Map(), lead: denseHistogram(), recovery: denseHistogram(),
});

/**
 * Per team and window: the sums, and the days with a deployment as a list (weeks and their day masks are worked out
 * from it here). Grouped by team and window only, a few hundred groups: grouped by week as well, the executive
 * roll-up's ~36,000 team-days sorted into ~5,000 groups, a third of the statement's time.
 */
const COUNTS_SQL = (teamFilter: string) => /* sql */ `
  SELECT d."teamId" AS team, w.i::int AS win,
         sum(d.deployments)::int AS deployments, sum(d.failures)::int AS failures, sum(d.rework)::int AS rework,
         sum(d.succeeded)::int AS succeeded, sum(d."leadKnownDeployments")::int AS "leadKnown",
         sum(d."leadUnknownCommits")::int AS "leadUnknown", sum(d.unrecovered)::int AS unrecovered,
         coalesce(array_to_string(array_agg(d.day) FILTER (WHERE d.deployments > 0), ','), '') AS days
  FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS w(f, t, i)
  JOIN "DoraDay" d ON d.environment = $1 AND d.day >= w.f AND d.day < w.t ${teamFilter}
  GROUP BY 1, 2`;

const HISTOGRAM_COLUMNS = /* sql */ `h."teamId" AS team, h.kind, h.level, h.block, array_to_string(h.buckets, ',') AS buckets, array_to_string(h.counts, ',') AS counts`;
/** Every team's rows of these blocks: one primary-key range (kind, environment, level, block) per block. */
const HISTOGRAM_ALL_SQL = /* sql */ `
  SELECT ${HISTOGRAM_COLUMNS}
  FROM unnest($2::int[], $3::int[]) AS k(level, block)
  JOIN "DoraHistogram" h ON h.kind IN (1, 2) AND h.environment = $1 AND h.level = k.level AND h.block = k.block
  WHERE h.buckets IS NOT NULL`;
/**
 * Some teams' rows: one key per team and block, so that every column of the primary key is an index condition.
 * (With "teamId" = ANY (…) beside the blocks, the team was a filter: each block visited every team's row, 200
 * times the work for one team's page or trend.)
 */
const HISTOGRAM_TEAMS_SQL = /* sql */ `
  SELECT ${HISTOGRAM_COLUMNS}
  FROM unnest($2::int[], $3::int[], $4::int[]) AS k(level, block, team)
  JOIN "DoraHistogram" h ON h.kind IN (1, 2) AND h.environment = $1 AND h.level = k.level AND h.block = k.block AND h."teamId" = k.team
  WHERE h.buckets IS NOT NULL`;

interface TCountsRow { team: number; win: number; days: string; deployments: number; failures: number; rework: number; succeeded: number; leadKnown: number; leadUnknown: number; unrecovered: number }
/** Buckets and counts as comma-separated text: parsed several times faster than pg's array parser, and the executive roll-up reads ~10⁶ of them. */
interface THistogramRow { team: number; kind: number; level: number; block: number; buckets: string; counts: string }

/**
 * Per team (the team's own services), per window: the parts the figures are
 * built from. `teamIds` null: every team, and the organisation under ORG_TEAM_ID.
 */
export async function loadTeamParts({ environment, windows, teamIds }: { environment: string; windows: TDayWindow[]; teamIds: number[] | null }): Promise<Map<number, TTeamPart[]>> {
  const blockWindows = new Map<string, number[]>();
  windows.forEach((w, i) => {
    for (const { level, block } of dyadicBlocks(w)) {
      const key = `${level}:${block}`;
      blockWindows.set(key, [...(blockWindows.get(key) ?? []), i]);
    }
  });
  const levels: number[] = [];
  const blocks: number[] = [];
  for (const key of blockWindows.keys()) {
    const [level, block] = key.split(":").map(Number) as [number, number];
    levels.push(level);
    blocks.push(block);
  }
  const filtered = teamIds !== null;
  const [counts, histograms] = await Promise.all([
    preparedQuery<TCountsRow>(
      filtered ? "dora-counts-teams" : "dora-counts-all",
      COUNTS_SQL(filtered ? `AND d."teamId" = ANY ($4::int[])` : ""),
      [environment, windows.map((w) => w.fromDay), windows.map((w) => w.toDay), ...(filtered ? [teamIds] : [])],
    ),
    teamIds === null
      ? preparedQuery<THistogramRow>("dora-histograms-all", HISTOGRAM_ALL_SQL, [environment, levels, blocks])
      : preparedQuery<THistogramRow>("dora-histograms-team-blocks", HISTOGRAM_TEAMS_SQL, [
          environment,
          teamIds.flatMap(() => levels),
          teamIds.flatMap(() => blocks),
          teamIds.flatMap((team) => levels.map(() => team)),
        ]),
  ]);

  const parts = new Map<number, TTeamPart[]>();
  const partsOf = (team: number) => {
    let list = parts.get(team);
    if (!list) parts.set(team, (list = windows.map(emptyPart)));
    return list;
  };
  for (const r of counts) {
    const p = partsOf(r.team)[r.win - 1]!;
    p.deployments += r.deployments;
    p.failures += r.failures;
    p.rework += r.rework;
    p.succeeded += r.succeeded;
    p.leadKnownDeployments += r.leadKnown;
    p.leadUnknownCommits += r.leadUnknown;
    p.unrecovered += r.unrecovered;
    // Week 0 ends the day before the window's end; bit k of a week's mask is its day k days before that week's end.
    const last = windows[r.win - 1]!.toDay - 1;
    if (r.days !== "") {
      for (const day of r.days.split(",")) {
        const back = last - Number(day);
        const week = Math.floor(back / 7);
        p.weekMasks.set(week, (p.weekMasks.get(week) ?? 0) | (1 << back % 7));
      }
    }
  }
  for (const r of histograms) {
    if (r.buckets === "") continue;
    for (const win of blockWindows.get(`${r.level}:${r.block}`) ?? []) {
      const p = partsOf(r.team)[win]!;
      addListed(r.kind === 1 ? p.lead : p.recovery, r.buckets, r.counts);
    }
  }
  return parts;
}

/** Adds a histogram given as two comma-separated lists of integers (buckets, counts) without splitting them into strings. */
function addListed(into: TDenseHistogram, buckets: string, counts: string): void {
  let i = 0;
  let j = 0;
  while (i < buckets.length) {
    let b = 0;
    for (let ch = buckets.charCodeAt(i); i < buckets.length && ch !== 44; ch = buckets.charCodeAt(++i)) b = b * 10 + ch - 48;
    i++;
    let sign = 1;
    if (counts.charCodeAt(j) === 45) {
      sign = -1;
      j++;
    }
    let n = 0;
    for (let ch = counts.charCodeAt(j); j < counts.length && ch !== 44; ch = counts.charCodeAt(++j)) n = n * 10 + ch - 48;
    j++;
    addToDense(into, b, sign * n);
  }
}

/** Adds `from` into `into` (teams nested under a team, or every team of the organisation). */
export function mergeParts(into: TTeamPart, from: TTeamPart): TTeamPart {
  into.deployments += from.deployments;
  into.failures += from.failures;
  into.rework += from.rework;
  into.succeeded += from.succeeded;
  into.leadKnownDeployments += from.leadKnownDeployments;
  into.leadUnknownCommits += from.leadUnknownCommits;
  into.unrecovered += from.unrecovered;
  for (const [week, mask] of from.weekMasks) into.weekMasks.set(week, (into.weekMasks.get(week) ?? 0) | mask);
  mergeDense(into.lead, from.lead);
  mergeDense(into.recovery, from.recovery);
  return into;
}

const popcount = (mask: number) => {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
};

export function aggregateOfParts(parts: TTeamPart[], window: TDayWindow): TDoraAggregate {
  // One part (a team with no nested teams) is read as it is, not copied into an empty one.
  const sum = parts.length === 1 ? parts[0]! : parts.reduce((acc, p) => mergeParts(acc, p), emptyPart());
  const agg = emptyAggregate("histogram");
  agg.deployments = sum.deployments;
  agg.failures = sum.failures;
  agg.rework = sum.rework;
  agg.succeeded = sum.succeeded;
  agg.leadKnownDeployments = sum.leadKnownDeployments;
  agg.leadUnknownCommits = sum.leadUnknownCommits;
  agg.unrecovered = sum.unrecovered;
  let days = 0;
  for (const mask of sum.weekMasks.values()) days += popcount(mask);
  agg.deploymentDays = days;
  // Week 0 is the last full week; fullWeeks lists them oldest first.
  const full = fullWeeks(window).length;
  agg.weeklyDeploymentDays = Array.from({ length: full }, (_, k) => popcount(sum.weekMasks.get(full - 1 - k) ?? 0));
  agg.lead = { kind: "histogram", histogram: sum.lead };
  agg.recovery = { kind: "histogram", histogram: sum.recovery };
  return agg;
}

/** Team (with nested teams) or the whole organisation: one aggregate per window, from the rollups. */
export async function loadTeamAggregates({ environment, windows, teamIds }: { environment: string; windows: TDayWindow[]; teamIds: number[] | null }): Promise<TDoraAggregate[]> {
  const parts = await loadTeamParts({ environment, windows, teamIds });
  return windows.map((w, i) => aggregateOfParts([...parts.values()].map((list) => list[i]!), w));
}

interface TFactRow { day: number; isFailure: boolean; isRework: boolean; isSucceeded: boolean; recoverySeconds: number | null; isUnrecovered: boolean; leadSeconds: number[]; leadUnknown: number }

/** One service: exact, from its facts (one index range scan). */
export async function loadServiceAggregates({ environment, windows, serviceId }: { environment: string; windows: TDayWindow[]; serviceId: number }): Promise<TDoraAggregate[]> {
  if (windows.length === 0) return [];
  const from = Math.min(...windows.map((w) => w.fromDay));
  const to = Math.max(...windows.map((w) => w.toDay));
  const rows = await preparedQuery<TFactRow>(
    "dora-service-facts",
    `SELECT day, "isFailure", "isRework", "isSucceeded", "recoverySeconds", "isUnrecovered", "leadSeconds", "leadUnknown"
     FROM "DoraDeploymentFact" WHERE "serviceId" = $1 AND environment = $2 AND day >= $3 AND day < $4`,
    [serviceId, environment, from, to],
  );
  const facts: TDeploymentFact[] = rows.map((r, i) => ({ ...r, deploymentId: i, serviceId, environment }));
  return windows.map((w) => aggregateFacts(facts, w, environment));
}
