import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmEpisodes, planAlarmIncidents, type TTransitionPoint } from "@/lib/alarms/alarm-incidents";

const MIN = 60_000;
const t = (minute: number) => new Date(Date.UTC(2026, 10, 2, 10) + minute * MIN);
const point = (toState: TTransitionPoint["toState"], minute: number): TTransitionPoint => ({ toState, at: t(minute), reason: `${toState} at ${minute}` });
const QUIET = 15 * MIN;

describe("alarm episodes", () => {
  it("open on ALARM, resolve on OK, and stay one while the alarm flaps within the quiet period", () => {
    const episodes = alarmEpisodes([point("ALARM", 0), point("OK", 10), point("ALARM", 20), point("OK", 30), point("INSUFFICIENT_DATA", 40), point("ALARM", 60), point("ALARM", 61)], QUIET);
    expect(episodes.map((e) => [e.openedAt, e.resolvedAt, e.reopenings])).toEqual([
      [t(0), t(30), 1],
      [t(60), null, 0],
    ]);
  });

  it("do not depend on the order transitions were recorded in", () => {
    const transitions = [point("ALARM", 0), point("OK", 5), point("ALARM", 12), point("OK", 40), point("ALARM", 90), point("INSUFFICIENT_DATA", 95), point("OK", 99)];
    const expected = alarmEpisodes(transitions, QUIET);
    fc.assert(fc.property(fc.shuffledSubarray(transitions, { minLength: transitions.length, maxLength: transitions.length }), (shuffled) => {
      expect(alarmEpisodes(shuffled, QUIET)).toEqual(expected);
    }), { numRuns: 100 });
  }, 30_000);
});

describe("planAlarmIncidents", () => {
  it("creates an incident per new episode and moves an existing one's opening back when an earlier transition arrives late", () => {
    const episodes = alarmEpisodes([point("ALARM", 0), point("OK", 10), point("ALARM", 100)], QUIET);
    // Incident 7 was opened from the ALARM at minute 5 (the one at 0 arrived later), and resolved at 10.
    expect(planAlarmIncidents(episodes, [{ id: 7, openedAt: t(5), resolvedAt: t(10) }])).toEqual([
      { kind: "update", incidentId: 7, episode: episodes[0] },
      { kind: "create", episode: episodes[1] },
    ]);
    expect(planAlarmIncidents(episodes, [{ id: 7, openedAt: t(0), resolvedAt: t(10) }, { id: 8, openedAt: t(100), resolvedAt: null }])).toEqual([]);
  });
});
