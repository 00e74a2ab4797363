import { describe, expect, it } from "vitest";
import { incidentTimeline } from "@/lib/incidents/timeline";

const times = { openedAt: "2026-11-01T10:00:00.000Z", acknowledgedAt: "2026-11-01T10:05:00.000Z", resolvedAt: "2026-11-01T11:00:00.000Z" };

describe("incidentTimeline", () => {
  it("fills the opening, acknowledgement and resolution from the incident's times when nothing was recorded", () => {
    expect(incidentTimeline(times, []).map((e) => [e.kind, e.at, e.isDerived])).toEqual([
      ["opened", times.openedAt, true],
      ["acknowledged", times.acknowledgedAt, true],
      ["resolved", times.resolvedAt, true],
    ]);
    expect(incidentTimeline({ ...times, acknowledgedAt: null, resolvedAt: null }, []).map((e) => e.kind)).toEqual(["opened"]);
  });

  it("keeps recorded entries, in time order, and adds only what they do not say", () => {
    const recorded = [
      { at: "2026-11-01T10:00:00.000Z", kind: "opened", message: "Opened as SEV2: checkout 502", actor: "pagerduty" },
      { at: "2026-11-01T10:30:00.000Z", kind: "attributed", message: "Attributed to v1.2.3 by the rule", actor: null },
    ];
    expect(incidentTimeline(times, recorded).map((e) => [e.kind, e.isDerived])).toEqual([
      ["opened", false],
      ["acknowledged", true],
      ["attributed", false],
      ["resolved", true],
    ]);
  });
});
