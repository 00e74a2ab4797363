import { describe, expect, it } from "vitest";
import { parseExecSort, sortTeams } from "@/components/dora/exec-sort";
import { findMovers } from "@/components/dora/movers";
import type { TDoraMetrics, TDoraTeamRollup, TFigure } from "@/lib/dora/schemas";

const figure = (value: number | null, unit: TFigure["unit"], sampleSize = 50) => ({ value, unit, sampleSize, isLowSample: sampleSize < 10, band: null, bandYear: 2024 as const });

function metrics({ perDay = null, lead = null, cfr = null, samples = 50 }: { perDay?: number | null; lead?: number | null; cfr?: number | null; samples?: number }): TDoraMetrics {
  return {
    window: { from: "2026-01-01", to: "2026-03-31", days: 90 },
    deploymentFrequency: { ...figure(perDay, "deployments/day", samples), unit: "deployments/day", deployments: samples, perWeek: null, deploymentDays: 0, medianDeploymentDaysPerWeek: null },
    leadTime: { ...figure(lead, "seconds", samples), unit: "seconds", median: lead, p90: null, unknownCommits: 0, coverage: { known: 0, deployments: 0, ratio: null } },
    changeFailRate: { ...figure(cfr, "ratio", samples), unit: "ratio", numerator: 0, deployments: samples },
    recoveryTime: { ...figure(null, "seconds", samples), unit: "seconds", median: null, p90: null, unrecovered: 0 },
    reworkRate: { ...figure(null, "ratio", samples), unit: "ratio", numerator: 0, deployments: samples },
  };
}

const team = (id: number, name: string, current: TDoraMetrics, previous: TDoraMetrics): TDoraTeamRollup => ({
  team: { id, slug: name.toLowerCase(), name, parentId: null, hasChildren: false },
  current,
  previous,
});

describe("sortTeams", () => {
  const teams = [
    team(1, "Alpha", metrics({ perDay: 1, lead: 7200 }), metrics({})),
    team(2, "Bravo", metrics({ perDay: 3, lead: null }), metrics({})),
    team(3, "Charlie", metrics({ perDay: 2, lead: 3600 }), metrics({})),
  ];
  const names = (list: TDoraTeamRollup[]) => list.map((t) => t.team.name);

  it("sorts by name, either way", () => {
    expect(names(sortTeams(teams, { key: "team", dir: "asc" }))).toEqual(["Alpha", "Bravo", "Charlie"]);
    expect(names(sortTeams(teams, { key: "team", dir: "desc" }))).toEqual(["Charlie", "Bravo", "Alpha"]);
  });

  it("puts the best first whichever way is better, and no data last in both directions", () => {
    expect(names(sortTeams(teams, { key: "deploymentFrequency", dir: "asc" }))).toEqual(["Bravo", "Charlie", "Alpha"]);
    expect(names(sortTeams(teams, { key: "leadTime", dir: "asc" }))).toEqual(["Charlie", "Alpha", "Bravo"]);
    expect(names(sortTeams(teams, { key: "leadTime", dir: "desc" }))).toEqual(["Alpha", "Charlie", "Bravo"]);
  });

  it("reads the sort from the URL, falling back to team A to Z", () => {
    expect(parseExecSort({ sort: "leadTime", dir: "desc" })).toEqual({ key: "leadTime", dir: "desc" });
    expect(parseExecSort({ sort: "nonsense", dir: "sideways" })).toEqual({ key: "team", dir: "asc" });
  });
});

describe("findMovers", () => {
  it("ranks the biggest improvements and declines, leaving out low-sample figures", () => {
    const teams = [
      team(1, "Alpha", metrics({ lead: 3600 }), metrics({ lead: 36_000 })), // lead time −90%: better
      team(2, "Bravo", metrics({ cfr: 0.3 }), metrics({ cfr: 0.1 })), // fail rate +20 pts: worse
      team(3, "Charlie", metrics({ perDay: 4, samples: 5 }), metrics({ perDay: 1, samples: 5 })), // too few samples
    ];
    const { improved, declined } = findMovers(teams);
    expect(improved.map((m) => [m.team.name, m.metric])).toEqual([["Alpha", "leadTime"]]);
    expect(declined.map((m) => [m.team.name, m.metric])).toEqual([["Bravo", "changeFailRate"]]);
    expect(improved[0]!.was).toBe("10 hours");
    expect(improved[0]!.now).toBe("1 hour");
  });
});
