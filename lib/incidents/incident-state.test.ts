import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedFields, mergeReportedTimes, statusOf, timelineEntries, type TIncidentState, type TIncidentTimes } from "@/lib/incidents/incident-state";

const t = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00Z`);
const now = t("23:00");

const base: TIncidentState = {
  serviceId: 1,
  title: "Checkout 5xx",
  severity: "SEV2",
  description: null,
  openedAt: t("10:00"),
  acknowledgedAt: null,
  resolvedAt: null,
  causedByChange: null,
  deploymentId: null,
  attributionSource: null,
};

describe("statusOf", () => {
  it("follows the times", () => {
    expect(statusOf(base)).toBe("OPEN");
    expect(statusOf({ ...base, acknowledgedAt: t("10:05") })).toBe("ACKNOWLEDGED");
    expect(statusOf({ ...base, acknowledgedAt: t("10:05"), resolvedAt: t("11:00") })).toBe("RESOLVED");
    expect(statusOf({ ...base, resolvedAt: t("11:00") })).toBe("RESOLVED");
  });
});

describe("mergeReportedTimes", () => {
  it("never reopens a resolved incident when an older report (triggered, acknowledged) arrives late", () => {
    const resolved = { openedAt: t("10:00"), acknowledgedAt: t("10:05"), resolvedAt: t("11:00") };
    expect(mergeReportedTimes(resolved, { openedAt: t("10:00"), acknowledgedAt: null, resolvedAt: null })).toEqual(resolved);
    expect(mergeReportedTimes(resolved, { openedAt: t("10:00"), acknowledgedAt: t("10:05"), resolvedAt: null })).toEqual(resolved);
  });

  it("keeps the first acknowledgement and the last resolution", () => {
    const stored = { openedAt: t("10:00"), acknowledgedAt: t("10:07"), resolvedAt: t("11:00") };
    expect(mergeReportedTimes(stored, { openedAt: t("10:00"), acknowledgedAt: t("10:05"), resolvedAt: t("12:00") })).toEqual({
      openedAt: t("10:00"),
      acknowledgedAt: t("10:05"),
      resolvedAt: t("12:00"),
    });
    expect(mergeReportedTimes(stored, { openedAt: t("09:50"), acknowledgedAt: t("10:09"), resolvedAt: t("10:30") })).toEqual({
      openedAt: t("09:50"),
      acknowledgedAt: t("10:07"),
      resolvedAt: t("11:00"),
    });
  });

  it("gives the same state whatever order the reports arrive in, and the same state when one arrives twice", () => {
    const minute = (m: number) => new Date(t("10:00").getTime() + m * 60_000);
    const report = fc.record({
      openedAt: fc.integer({ min: 0, max: 30 }).map(minute),
      acknowledgedAt: fc.option(fc.integer({ min: 30, max: 60 }).map(minute), { nil: null }),
      resolvedAt: fc.option(fc.integer({ min: 60, max: 120 }).map(minute), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 8 }), (reports) => {
        const fold = (list: TIncidentTimes[]) => list.slice(1).reduce(mergeReportedTimes, list[0]!);
        const forward = fold(reports);
        expect(fold([...reports].reverse())).toEqual(forward);
        expect(fold([...reports, ...reports])).toEqual(forward);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

describe("timelineEntries", () => {
  const context = { now, windowHours: 24 };

  it("opens a new incident with its own times and says how it was attributed", () => {
    const created = { ...base, acknowledgedAt: t("10:05"), resolvedAt: t("10:45"), deploymentId: 12, attributionSource: "RULE" as const };
    const entries = timelineEntries(null, created, context);
    expect(entries.map((e) => [e.kind, e.at])).toEqual([
      ["opened", t("10:00")],
      ["acknowledged", t("10:05")],
      ["resolved", t("10:45")],
      ["attributed", now],
    ]);
    expect(entries[2]!.message).toBe("Resolved after 45 min");
    expect(entries[3]!.message).toMatch(/deployment #12 by the rule.*24 h/);
  });

  it("adds nothing when nothing changed", () => {
    const state = { ...base, resolvedAt: t("11:00"), deploymentId: 3, attributionSource: "EXPLICIT" as const, causedByChange: true };
    expect(timelineEntries(state, { ...state, openedAt: new Date(state.openedAt) }, context)).toEqual([]);
    expect(changedFields(state, { ...state, resolvedAt: new Date(state.resolvedAt) })).toEqual([]);
  });

  it("records a re-attribution with what it replaced, a reopening, a severity change and the cause", () => {
    const before = { ...base, resolvedAt: t("11:00"), deploymentId: 3, attributionSource: "RULE" as const };
    const after = { ...before, resolvedAt: null, deploymentId: null, attributionSource: "EXPLICIT" as const, severity: "SEV1" as const, causedByChange: false };
    const entries = timelineEntries(before, after, context);
    expect(entries.map((e) => e.kind)).toEqual(["reopened", "severity", "attributed", "cause"]);
    expect(entries[2]).toMatchObject({
      message: "Explicitly attributed to no deployment",
      data: { deploymentId: null, source: "EXPLICIT", previousDeploymentId: 3, previousSource: "RULE" },
    });
    expect(entries[3]!.message).toBe("Marked as not caused by a change");
    expect(changedFields(before, after).sort()).toEqual(["attributionSource", "causedByChange", "deploymentId", "resolvedAt", "severity"]);
  });
});
