import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ageBand,
  bucketEdges,
  durationUnit,
  EMPTY_COMPLETION_FIGURES,
  EMPTY_INCIDENT_FIGURES,
  INSIGHT_PERIOD_KEYS,
  INSIGHT_PERIODS,
  incidentShareChart,
  insightBuckets,
  REPEAT_WINDOW_DAYS,
  repeatIncidentIds,
  responseTimeChart,
  share,
  timeFigure,
  type TIncidentFigures,
  type TPostmortemInsights,
  type TRepeatCandidate,
} from "@/lib/postmortems/insights";

const DAY = 86_400_000;

describe("period buckets", () => {
  it("ends with the month holding now, drawn apart as not over", () => {
    const buckets = insightBuckets("6m", new Date("2026-12-01T12:00:00Z"));
    expect(buckets.map((b) => b.label)).toEqual(["Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026"]);
    expect(buckets.map((b) => b.isPartial)).toEqual([false, false, false, false, false, true]);
    expect(buckets[0]).toMatchObject({ from: "2026-07-01T00:00:00.000Z", to: "2026-08-01T00:00:00.000Z" });
    expect(bucketEdges(buckets).map((d) => d.toISOString().slice(0, 10))).toEqual(["2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01", "2027-01-01"]);
  });

  it("counts weeks from Monday, across a year's end", () => {
    const buckets = insightBuckets("12w", new Date("2027-01-03T23:59:59Z"));
    expect(buckets.at(-1)).toMatchObject({ from: "2026-12-28T00:00:00.000Z", to: "2027-01-04T00:00:00.000Z", label: "Dec 28", isPartial: true });
    expect(buckets[0]!.label).toBe("Oct 12");
  });

  it("are contiguous, as many as the period says, start on a Monday or the 1st, and only the last holds now", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }), fc.constantFrom(...INSIGHT_PERIOD_KEYS), (now, period) => {
        const buckets = insightBuckets(period, now);
        expect(buckets).toHaveLength(INSIGHT_PERIODS[period].count);
        buckets.forEach((b, i) => {
          const from = new Date(b.from);
          if (INSIGHT_PERIODS[period].bucket === "week") expect(from.getUTCDay()).toBe(1);
          else expect(from.getUTCDate()).toBe(1);
          expect(from.getUTCHours() + from.getUTCMinutes()).toBe(0);
          if (i > 0) expect(b.from).toBe(buckets[i - 1]!.to);
          expect(b.isPartial).toBe(i === buckets.length - 1);
        });
        const last = buckets.at(-1)!;
        expect(Date.parse(last.from)).toBeLessThanOrEqual(now.getTime());
        expect(Date.parse(last.to)).toBeGreaterThan(now.getTime());
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

const incident = (id: number, serviceId: number, day: number, alarmIds: number[] = []): TRepeatCandidate => ({ id, serviceId, openedAt: new Date(Date.UTC(2026, 0, 1) + day * DAY), alarmIds });

/** The rule as written: another incident before it (earlier, or the same instant with a lower id), within the window, same service or a shared alarm. */
function repeatsByDefinition(incidents: readonly TRepeatCandidate[]): Set<number> {
  const out = new Set<number>();
  for (const b of incidents) {
    for (const a of incidents) {
      if (a === b) continue;
      const d = b.openedAt.getTime() - a.openedAt.getTime();
      const isEarlier = d > 0 || (d === 0 && a.id < b.id);
      const isRelated = a.serviceId === b.serviceId || a.alarmIds.some((x) => b.alarmIds.includes(x));
      if (isEarlier && isRelated && d <= REPEAT_WINDOW_DAYS * DAY) out.add(b.id);
    }
  }
  return out;
}

describe("repeat incidents", () => {
  it("are those with another on the same service, or sharing an alarm, in the 30 days before (inclusive)", () => {
    const history = [
      incident(1, 10, 0),
      incident(2, 10, 30), // exactly 30 days after 1: a repeat
      incident(3, 10, 60.5), // 30.5 days after 2: not
      incident(4, 20, 61, [7]), // another service, first with alarm 7: not
      incident(5, 30, 75, [7]), // shares alarm 7 with 4, 14 days later: a repeat
      incident(6, 40, 75, [8]), // same instant as 5 but unrelated: not
    ];
    expect([...repeatIncidentIds(history)].sort()).toEqual([2, 5]);
  });

  it("at the same instant, the lower id came first", () => {
    expect([...repeatIncidentIds([incident(9, 1, 5), incident(3, 1, 5)])]).toEqual([9]);
  });

  it("match the rule as written, whatever the order they come in", () => {
    const candidate = fc.record({
      serviceId: fc.integer({ min: 1, max: 4 }),
      day: fc.integer({ min: 0, max: 200 * 4 }).map((quarterDays) => quarterDays / 4),
      alarmIds: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 40 }), (specs) => {
        const history = specs.map((s, i) => incident(i + 1, s.serviceId, s.day, s.alarmIds));
        const expected = repeatsByDefinition(history);
        expect(repeatIncidentIds(history)).toEqual(expected);
        expect(repeatIncidentIds([...history].reverse())).toEqual(expected);
        // The first incident to open is never a repeat.
        const first = [...history].sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || a.id - b.id)[0];
        if (first) expect(expected.has(first.id)).toBe(false);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

describe("figures", () => {
  it("share: null when there is nothing to divide by, never above 1 for a part of a whole", () => {
    expect(share(0, 0)).toBeNull();
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        const [part, whole] = a <= b ? [a, b] : [b, a];
        const s = share(part, whole);
        if (whole === 0) expect(s).toBeNull();
        else {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("time figures have no median without samples, and are low below the minimum sample size", () => {
    expect(timeFigure(0, 12)).toEqual({ n: 0, median: null, isLowSample: true });
    expect(timeFigure(4, 60).isLowSample).toBe(true);
    expect(timeFigure(5, 60.000_000_01)).toEqual({ n: 5, median: 60, isLowSample: false });
  });

  it("age bands split at 30, 90 and 180 days", () => {
    const d = 86_400;
    expect([0, 29.9 * d, 30 * d, 89.9 * d, 90 * d, 179 * d, 180 * d, 900 * d].map(ageBand)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it("durations go on an axis in minutes, hours or days", () => {
    expect(durationUnit(0).unit).toBe("minutes");
    expect(durationUnit(2 * 3600 - 1).unit).toBe("minutes");
    expect(durationUnit(2 * 3600).unit).toBe("hours");
    expect(durationUnit(3 * 86_400).unit).toBe("days");
  });
});

function insightsWith(byBucketSeverity: Partial<Record<"SEV1" | "SEV2" | "SEV3" | "SEV4", TIncidentFigures[]>>, byBucket: TIncidentFigures[]): TPostmortemInsights {
  const buckets = insightBuckets("6m", new Date("2026-12-01T12:00:00Z")).slice(0, byBucket.length);
  const empty = buckets.map(() => EMPTY_INCIDENT_FIGURES);
  const all = { SEV1: empty, SEV2: empty, SEV3: empty, SEV4: empty, ...byBucketSeverity };
  const sum = (rows: TIncidentFigures[]) => ({ ...EMPTY_INCIDENT_FIGURES, incidents: rows.reduce((n, r) => n + r.incidents, 0) });
  const count = (rows: TIncidentFigures[]) => rows.reduce((n, r) => n + r.incidents, 0);
  return {
    period: "6m",
    team: null,
    generatedAt: "2026-12-01T12:00:00.000Z",
    buckets,
    incidents: {
      total: sum(byBucket),
      byBucket,
      byBucketSeverity: all,
      bySeverity: { SEV1: count(all.SEV1), SEV2: count(all.SEV2), SEV3: count(all.SEV3), SEV4: count(all.SEV4) },
      byTeam: [],
    },
    actionItems: { total: EMPTY_COMPLETION_FIGURES, byBucket: buckets.map(() => EMPTY_COMPLETION_FIGURES), open: { total: 0, overdue: 0, byAge: [0, 0, 0, 0] }, byTeam: [] },
  };
}

const withTimes = (incidents: number, ttrSeconds: number | null): TIncidentFigures => ({
  ...EMPTY_INCIDENT_FIGURES,
  incidents,
  ttr: timeFigure(ttrSeconds === null ? 0 : incidents, ttrSeconds),
});

describe("chart series", () => {
  it("one line per severity that had incidents, in a unit read off the largest median, no data kept as null", () => {
    const insights = insightsWith({ SEV1: [withTimes(1, 3 * 3600), withTimes(0, null), withTimes(2, 5400)], SEV3: [withTimes(0, null), withTimes(3, 1800), withTimes(1, null)] }, [
      withTimes(1, 3 * 3600),
      withTimes(3, 1800),
      withTimes(3, 5400),
    ]);
    const chart = responseTimeChart(insights, "ttr");
    expect(chart.unit).toBe("hours");
    expect(chart.labels).toEqual(["Jul 2026", "Aug 2026", "Sep 2026"]);
    expect(chart.series.map((s) => [s.key, s.values, s.samples])).toEqual([
      ["SEV1", [3, null, 1.5], [1, 0, 2]],
      ["SEV3", [null, 0.5, null], [0, 3, 0]],
    ]);
  });

  it("shares in percent, null for a bucket without incidents", () => {
    const insights = insightsWith({}, [
      { ...EMPTY_INCIDENT_FIGURES, incidents: 4, repeats: 1, attributed: 3 },
      EMPTY_INCIDENT_FIGURES,
    ]);
    const chart = incidentShareChart(insights);
    expect(chart.series.map((s) => s.values)).toEqual([
      [25, null],
      [75, null],
    ]);
  });
});
