import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeMetrics, deriveFacts, type TRawChange, type TRawDeployment, type TRawIncident } from "@/lib/dora/metrics";
import { DAY_MS, dayOf } from "@/lib/dora/windows";

const D0 = Date.parse("2026-11-02T00:00:00Z");
const HOUR = 3_600_000;
const t = (day: number, hours: number) => D0 + day * DAY_MS + hours * HOUR;
const window = { fromDay: dayOf(D0), toDay: dayOf(D0) + 7 };

function dep(id: number, status: TRawDeployment["status"], finishedAt: number | null, extra: Partial<TRawDeployment> = {}): TRawDeployment {
  return { id, serviceId: 1, environment: "production", status, startedAt: (finishedAt ?? t(0, 0)) - 10 * 60_000, finishedAt, isPlanned: true, fixesIncidentRef: null, ...extra };
}
const commit = (deploymentId: number, sha: string, committedAt: number | null): TRawChange => ({ deploymentId, sha, committedAt, authoredAt: null });

/** The worked example of docs/metrics.md. */
const history = {
  deployments: [
    dep(12, "SUCCEEDED", t(-1, 10)), // before the window; brings commit a first
    dep(1, "SUCCEEDED", t(0, 10)),
    dep(2, "FAILED", t(1, 10)),
    dep(3, "SUCCEEDED", t(1, 12)),
    dep(4, "SUCCEEDED", t(2, 10)),
    dep(5, "SUCCEEDED", t(2, 12), { startedAt: t(2, 11.5) }),
    dep(6, "ROLLED_BACK", t(3, 10)),
    dep(7, "SUCCEEDED", t(4, 10), { isPlanned: false }),
    dep(8, "SUCCEEDED", t(5, 10)),
    dep(9, "FAILED", t(6, 10)),
    dep(10, "IN_PROGRESS", null),
    dep(11, "SUCCEEDED", t(0, 5), { environment: "staging" }),
  ],
  changes: [
    commit(12, "a", t(-1, 8)),
    commit(1, "a", t(-1, 8)),
    commit(1, "b", t(0, 4)),
    { deploymentId: 1, sha: "u", committedAt: null, authoredAt: null },
    commit(2, "c", t(1, 9)),
    commit(3, "c", t(1, 9)),
    commit(3, "a", t(-1, 8)),
    commit(4, "e", t(2, 9)),
    { deploymentId: 5, sha: "f", committedAt: null, authoredAt: t(2, 11) },
    commit(6, "g", t(3, 9)),
    commit(7, "g", t(3, 9)),
  ],
  incidents: [
    { id: 1, serviceId: 1, openedAt: t(2, 11), resolvedAt: t(2, 13), deploymentId: 4, causedByChange: null },
    { id: 2, serviceId: 1, openedAt: t(5, 11), resolvedAt: t(5, 12), deploymentId: 8, causedByChange: false },
  ] satisfies TRawIncident[],
};

describe("the five metrics on a worked example", () => {
  const m = computeMetrics(history, window, { bandYear: 2024, minSamples: 1 });

  it("deployment frequency: 9 finished production deployments in 7 days, deploying every day", () => {
    expect(m.deploymentFrequency.deployments).toBe(9);
    expect(m.deploymentFrequency.value).toBeCloseTo(9 / 7, 12);
    expect(m.deploymentFrequency.perWeek).toBeCloseTo(9, 12);
    expect(m.deploymentFrequency.deploymentDays).toBe(7);
    expect(m.deploymentFrequency.medianDeploymentDaysPerWeek).toBe(7);
    expect(m.deploymentFrequency.band).toBe("elite");
  });

  it("lead time: commits first brought to production, unknown times left out and counted", () => {
    // b 6 h, c 3 h, e 1 h, f 1 h (authored time), g 25 h (its first succeeded deployment is 7, not the rolled-back 6).
    expect(m.leadTime.sampleSize).toBe(5);
    expect(m.leadTime.median).toBe(3 * 3600);
    expect(m.leadTime.value).toBe(3 * 3600);
    expect(m.leadTime.p90).toBeCloseTo(21_600 + 0.6 * (90_000 - 21_600), 9);
    expect(m.leadTime.unknownCommits).toBe(1);
    expect(m.leadTime.coverage).toEqual({ known: 5, deployments: 6, ratio: 5 / 6 });
    expect(m.leadTime.band).toBe("elite");
  });

  it("change fail rate: failed, rolled back, or with an incident caused by a change", () => {
    expect(m.changeFailRate.numerator).toBe(4);
    expect(m.changeFailRate.value).toBeCloseTo(4 / 9, 12);
    expect(m.changeFailRate.band).toBe("low");
  });

  it("recovery: incident start to resolution, or failure to the next succeeded deployment; open ones wait", () => {
    expect(m.recoveryTime.sampleSize).toBe(3);
    expect(m.recoveryTime.median).toBe(7200);
    expect(m.recoveryTime.p90).toBeCloseTo(7200 + 0.8 * (86_400 - 7200), 9);
    expect(m.recoveryTime.unrecovered).toBe(1);
    expect(m.recoveryTime.band).toBe("high");
  });

  it("rework: unplanned, or made while an incident was open and before it was resolved", () => {
    expect(m.reworkRate.numerator).toBe(2);
    expect(m.reworkRate.value).toBeCloseTo(2 / 9, 12);
    expect(m.reworkRate.band).toBeNull();
  });

  it("marks figures below the minimum sample as low confidence, without a band", () => {
    const strict = computeMetrics(history, window, { bandYear: 2024, minSamples: 6 });
    expect(strict.leadTime.isLowSample).toBe(true);
    expect(strict.leadTime.band).toBeNull();
    expect(strict.leadTime.value).toBe(3 * 3600);
    expect(strict.changeFailRate.isLowSample).toBe(false);
    expect(strict.changeFailRate.band).toBe("low");
  });

  it("gives no data for an empty window: null, never 0", () => {
    const empty = computeMetrics(history, { fromDay: window.fromDay + 100, toDay: window.toDay + 100 }, { bandYear: 2024, minSamples: 1 });
    for (const key of ["deploymentFrequency", "leadTime", "changeFailRate", "recoveryTime", "reworkRate"] as const) {
      expect(empty[key].value, key).toBeNull();
      expect(empty[key].band, key).toBeNull();
    }
    expect(empty.deploymentFrequency.medianDeploymentDaysPerWeek).toBeNull();
    expect(empty.leadTime.p90).toBeNull();
  });

  it("a later succeeded deployment arriving earlier in time takes the commit over", () => {
    const facts = deriveFacts({ ...history, deployments: [...history.deployments, dep(13, "SUCCEEDED", t(4, 9))] , changes: [...history.changes, commit(13, "g", t(3, 9))] });
    expect(facts.find((f) => f.deploymentId === 13)!.leadSeconds).toEqual([24 * 3600]);
    expect(facts.find((f) => f.deploymentId === 7)!.leadSeconds).toEqual([]);
    // …and deployment 6's recovery now ends at 13.
    expect(facts.find((f) => f.deploymentId === 6)!.recoverySeconds).toBe(23 * 3600);
  });
});

// ───────────────────────── properties ─────────────────────────

const SHAS = ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8"];
const STATUSES = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "ROLLED_BACK", "IN_PROGRESS"] as const;
const minutes = fc.integer({ min: 0, max: 20 * 24 * 60 });

const arbHistory = fc
  .record({
    deployments: fc.array(
      fc.record({ serviceId: fc.integer({ min: 1, max: 3 }), status: fc.constantFrom(...STATUSES), start: minutes, duration: fc.integer({ min: 0, max: 120 }), isPlanned: fc.boolean(), fixes: fc.boolean(), isStaging: fc.boolean() }),
      { maxLength: 40 },
    ),
    changes: fc.array(fc.record({ d: fc.nat(), sha: fc.constantFrom(...SHAS), back: fc.option(fc.integer({ min: -60, max: 14 * 24 * 60 })) }), { maxLength: 60 }),
    incidents: fc.array(
      fc.record({ serviceId: fc.integer({ min: 1, max: 3 }), open: minutes, duration: fc.option(fc.integer({ min: 1, max: 3000 })), d: fc.option(fc.nat()), caused: fc.constantFrom(null, true, false) }),
      { maxLength: 10 },
    ),
  })
  .map(({ deployments, changes, incidents }) => {
    const ds: TRawDeployment[] = deployments.map((d, i) => ({
      id: i + 1,
      serviceId: d.serviceId,
      environment: d.isStaging ? "staging" : "production",
      status: d.status,
      startedAt: D0 + d.start * 60_000,
      finishedAt: d.status === "IN_PROGRESS" ? null : D0 + (d.start + d.duration) * 60_000,
      isPlanned: d.isPlanned,
      fixesIncidentRef: d.fixes && !d.isPlanned ? "pagerduty:P1" : null,
    }));
    const seen = new Set<string>();
    const cs: TRawChange[] = [];
    for (const c of changes) {
      if (ds.length === 0) break;
      const d = ds[c.d % ds.length]!;
      if (seen.has(`${d.id}/${c.sha}`)) continue;
      seen.add(`${d.id}/${c.sha}`);
      cs.push({ deploymentId: d.id, sha: c.sha, committedAt: c.back === null ? null : d.startedAt - c.back * 60_000, authoredAt: null });
    }
    const is: TRawIncident[] = incidents.map((x, i) => ({
      id: i + 1,
      serviceId: x.serviceId,
      openedAt: D0 + x.open * 60_000,
      resolvedAt: x.duration === null ? null : D0 + (x.open + x.duration) * 60_000,
      deploymentId: x.d === null || ds.length === 0 ? null : ds[x.d % ds.length]!.id,
      causedByChange: x.caused,
    }));
    return { deployments: ds, changes: cs, incidents: is };
  });

const arbWindow = fc.record({ from: fc.integer({ min: -3, max: 20 }), length: fc.integer({ min: 1, max: 30 }) }).map(({ from, length }) => ({ fromDay: dayOf(D0) + from, toDay: dayOf(D0) + from + length }));

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("metric properties", () => {
  const options = { bandYear: 2024 as const, minSamples: 3 };

  it("do not depend on the order rows arrive in", () => {
    fc.assert(
      fc.property(arbHistory, arbWindow, fc.integer(), (h, w, seed) => {
        const shuffled = { deployments: shuffle(h.deployments, seed), changes: shuffle(h.changes, seed + 1), incidents: shuffle(h.incidents, seed + 2) };
        expect(computeMetrics(shuffled, w, options)).toEqual(computeMetrics(h, w, options));
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("keep the fail rate within [0, 1] and rework at most the deployments", () => {
    fc.assert(
      fc.property(arbHistory, arbWindow, (h, w) => {
        const m = computeMetrics(h, w, options);
        const cfr = m.changeFailRate.value;
        if (cfr !== null) {
          expect(cfr).toBeGreaterThanOrEqual(0);
          expect(cfr).toBeLessThanOrEqual(1);
        }
        expect(m.reworkRate.numerator).toBeLessThanOrEqual(m.reworkRate.deployments);
        expect(m.changeFailRate.numerator).toBeLessThanOrEqual(m.changeFailRate.deployments);
        if (m.leadTime.median !== null) expect(m.leadTime.p90!).toBeGreaterThanOrEqual(m.leadTime.median);
        if (m.recoveryTime.median !== null) expect(m.recoveryTime.p90!).toBeGreaterThanOrEqual(m.recoveryTime.median);
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("give no data, never zero, when no deployment finished in the window", () => {
    fc.assert(
      fc.property(arbHistory, arbWindow, (h, w) => {
        const m = computeMetrics(h, w, options);
        if (m.deploymentFrequency.deployments > 0) return;
        for (const key of ["deploymentFrequency", "leadTime", "changeFailRate", "recoveryTime", "reworkRate"] as const) expect(m[key].value).toBeNull();
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it("count each commit's lead time once per service, however many deployments carry it", () => {
    fc.assert(
      fc.property(arbHistory, (h) => {
        const facts = deriveFacts(h);
        const known = facts.reduce((n, f) => n + f.leadSeconds.length + f.leadUnknown, 0);
        const byId = new Map(h.deployments.map((d) => [d.id, d]));
        const distinct = new Set(
          h.changes.flatMap((c) => {
            const d = byId.get(c.deploymentId)!;
            return d.status === "SUCCEEDED" && d.finishedAt !== null ? [`${d.serviceId}/${d.environment}/${c.sha}`] : [];
          }),
        );
        expect(known).toBe(distinct.size);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
