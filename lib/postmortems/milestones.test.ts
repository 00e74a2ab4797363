import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmText } from "@/lib/postmortems/evidence";
import { deriveMilestones, type TMilestoneEntry } from "@/lib/postmortems/milestones";

const MIN = 60_000;
const T0 = Date.parse("2026-11-02T10:00:00Z");
const iso = (minute: number) => new Date(T0 + minute * MIN).toISOString();

const SERVICE = 1;
const NEIGHBOUR = 2;

function entry(minute: number, kind: string, overrides: Partial<TMilestoneEntry> = {}): TMilestoneEntry {
  const name = `alarm-${minute}`;
  const text = kind === "alarm.ALARM" ? alarmText(name, "ALARM", "Threshold Crossed") : kind === "alarm.OK" ? alarmText(name, "OK", null) : kind;
  return { at: iso(minute), kind, serviceId: SERVICE, isHidden: false, text, originalText: text, ...overrides };
}

const incident = { openedAt: iso(0), acknowledgedAt: iso(6), resolvedAt: iso(50) };
const noOverrides = { impactStartedAt: null, mitigatedAt: null };

describe("deriveMilestones", () => {
  it("reads the worked example: impact from the map, detection by the alarm, mitigation by the alarm's return", () => {
    const entries = [
      entry(-30, "deployment.succeeded"),
      entry(-10, "health.degraded"),
      entry(-4, "alarm.ALARM"),
      entry(-2, "alarm.ALARM"),
      entry(20, "alarm.OK"),
      entry(25, "health.recovered"),
      // A neighbour's alarm earlier than any of the service's: evidence, but not the service's impact.
      entry(-20, "alarm.ALARM", { serviceId: NEIGHBOUR }),
    ];
    expect(deriveMilestones({ incident, serviceId: SERVICE, entries, overrides: noOverrides })).toEqual({
      impactStarted: { at: iso(-10), basis: "error rate at or above 5 %" },
      detected: { at: iso(-4), basis: "first alarm: alarm--4" },
      acknowledged: { at: iso(6), basis: "incident acknowledged" },
      mitigated: { at: iso(20), basis: "alarm back to OK: alarm-20" },
      resolved: { at: iso(50), basis: "incident resolved" },
      durations: { timeToDetect: 6 * MIN, timeToAcknowledge: 10 * MIN, timeToMitigate: 30 * MIN, timeToRecover: 60 * MIN },
      problems: [],
    });
  });

  it("falls back to the incident when there is no alarm, and to its resolution when nothing recovered", () => {
    const milestones = deriveMilestones({ incident, serviceId: SERVICE, entries: [], overrides: noOverrides });
    expect(milestones.impactStarted).toEqual({ at: iso(0), basis: "incident opened" });
    expect(milestones.detected).toEqual({ at: iso(0), basis: "incident opened" });
    expect(milestones.mitigated).toEqual({ at: iso(50), basis: "incident resolved (no recovery seen before)" });
    // The incident's opening is both the first sign of impact and its detection: the time to detect is unknown, not 0.
    expect(milestones.durations).toEqual({ timeToDetect: null, timeToAcknowledge: 6 * MIN, timeToMitigate: 50 * MIN, timeToRecover: 50 * MIN });
  });

  it("ignores hidden entries but not unstarred ones, and a recovery before detection", () => {
    const entries = [entry(-10, "alarm.ALARM", { isHidden: true }), entry(-8, "health.recovered"), entry(-5, "alarm.OK"), entry(30, "health.recovered")];
    const milestones = deriveMilestones({ incident, serviceId: SERVICE, entries, overrides: noOverrides });
    expect(milestones.detected).toEqual({ at: iso(0), basis: "incident opened" });
    expect(milestones.mitigated).toEqual({ at: iso(30), basis: "error rate back below 5 %" });
  });

  it("reads the alarm's name from the machine's text even when a person reworded it", () => {
    const reworded = { ...entry(-3, "alarm.ALARM"), text: "The 5xx alarm fired, paging Ada" };
    expect(deriveMilestones({ incident, serviceId: SERVICE, entries: [reworded], overrides: noOverrides }).detected.basis).toBe("first alarm: alarm--3");
  });

  it("knows the time to detect only when the start of impact is known apart from the detection", () => {
    const alarmFirst = deriveMilestones({ incident, serviceId: SERVICE, entries: [entry(-4, "alarm.ALARM")], overrides: noOverrides });
    expect(alarmFirst.impactStarted.at).toBe(alarmFirst.detected.at);
    expect(alarmFirst.durations.timeToDetect).toBeNull();
    expect(alarmFirst.problems).toEqual([]);
    const byHandAtDetection = deriveMilestones({ incident, serviceId: SERVICE, entries: [entry(-4, "alarm.ALARM")], overrides: { impactStartedAt: iso(-4), mitigatedAt: null } });
    expect(byHandAtDetection.durations.timeToDetect).toBe(0);
  });

  it("takes milestones set by hand over the evidence", () => {
    const milestones = deriveMilestones({ incident, serviceId: SERVICE, entries: [entry(-4, "alarm.ALARM"), entry(20, "alarm.OK")], overrides: { impactStartedAt: iso(-45), mitigatedAt: iso(12) } });
    expect(milestones.impactStarted).toEqual({ at: iso(-45), basis: "set by hand" });
    expect(milestones.mitigated).toEqual({ at: iso(12), basis: "set by hand" });
    expect(milestones.durations.timeToDetect).toBe(41 * MIN);
    expect(milestones.durations.timeToMitigate).toBe(57 * MIN);
  });

  it("leaves out a duration whose ends a person put in the wrong order, and says why", () => {
    const milestones = deriveMilestones({ incident, serviceId: SERVICE, entries: [entry(-4, "alarm.ALARM")], overrides: { impactStartedAt: iso(10), mitigatedAt: iso(5) } });
    expect(milestones.durations).toEqual({ timeToDetect: null, timeToAcknowledge: 10 * MIN, timeToMitigate: null, timeToRecover: 40 * MIN });
    expect(milestones.problems).toEqual([
      "No time to detect: detected (2026-11-02T09:56:00.000Z) is before impact started (2026-11-02T10:10:00.000Z).",
      "No time to mitigate: mitigated (2026-11-02T10:05:00.000Z) is before impact started (2026-11-02T10:10:00.000Z).",
    ]);
  });

  it("says what is unknown for a stand-alone postmortem", () => {
    const milestones = deriveMilestones({ incident: null, serviceId: SERVICE, entries: [], overrides: noOverrides });
    expect(milestones).toMatchObject({
      impactStarted: { at: null, basis: "not known: set when the impact started" },
      detected: { at: null, basis: "not known: no alarm and no incident" },
      acknowledged: { at: null, basis: "no incident" },
      mitigated: { at: null, basis: "not known: no recovery seen and not resolved" },
      resolved: { at: null, basis: "no incident" },
      durations: { timeToDetect: null, timeToAcknowledge: null, timeToMitigate: null, timeToRecover: null },
    });
    const withImpact = deriveMilestones({ incident: null, serviceId: SERVICE, entries: [entry(-2, "alarm.OK"), entry(15, "alarm.OK")], overrides: { impactStartedAt: iso(0), mitigatedAt: null } });
    expect(withImpact.mitigated).toEqual({ at: iso(15), basis: "alarm back to OK: alarm-15" });
    expect(withImpact.durations.timeToMitigate).toBe(15 * MIN);
  });

  it("derives milestones in order, and durations that are never negative, from any evidence", () => {
    const kinds = ["alarm.ALARM", "alarm.OK", "health.degraded", "health.recovered", "deployment.succeeded"];
    fc.assert(
      fc.property(
        fc.array(fc.record({ minute: fc.integer({ min: -120, max: 120 }), kind: fc.constantFrom(...kinds), isHidden: fc.boolean(), serviceId: fc.constantFrom(SERVICE, NEIGHBOUR) }), { maxLength: 25 }),
        fc.integer({ min: -60, max: 60 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
        fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
        (raw, opened, ack, resolvedAfter) => {
          const inc = { openedAt: iso(opened), acknowledgedAt: ack === null ? null : iso(opened + ack), resolvedAt: resolvedAfter === null ? null : iso(opened + resolvedAfter) };
          const m = deriveMilestones({ incident: inc, serviceId: SERVICE, entries: raw.map((r) => entry(r.minute, r.kind, { isHidden: r.isHidden, serviceId: r.serviceId })), overrides: noOverrides });
          const t = (x: { at: string | null }) => (x.at === null ? null : Date.parse(x.at));
          expect(t(m.impactStarted)).not.toBeNull();
          expect(t(m.impactStarted)!).toBeLessThanOrEqual(t(m.detected)!);
          expect(t(m.detected)!).toBeLessThanOrEqual(Date.parse(inc.openedAt));
          if (m.mitigated.at !== null && !m.mitigated.basis.startsWith("incident resolved")) expect(t(m.mitigated)!).toBeGreaterThan(t(m.detected)!);
          for (const d of Object.values(m.durations)) if (d !== null) expect(d).toBeGreaterThanOrEqual(0);
          expect(m.problems).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  }, 30_000);
});
