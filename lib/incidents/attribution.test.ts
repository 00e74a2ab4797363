import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { attributeIncident, attributionWindowStart, isRuleCandidate, type TCandidateDeployment } from "@/lib/incidents/attribution";

const HOUR = 60 * 60 * 1000;
const openedAt = new Date("2026-11-20T12:00:00Z");
const incident = { serviceId: 7, openedAt };
const at = (ms: number) => new Date(openedAt.getTime() + ms);
const deploy = (id: number, finishedOffsetMs: number | null, overrides: Partial<TCandidateDeployment> = {}): TCandidateDeployment => ({
  id,
  serviceId: 7,
  environment: "production",
  finishedAt: finishedOffsetMs === null ? null : at(finishedOffsetMs),
  ...overrides,
});
const attribute = (deployments: TCandidateDeployment[], windowHours = 24, explicit?: { deploymentId: number | null }) =>
  attributeIncident({ incident, deployments, windowHours, explicit });

describe("the attribution window", () => {
  it("includes a deployment that finished exactly 24 h before the incident began, and not one a millisecond earlier", () => {
    expect(attribute([deploy(1, -24 * HOUR)])).toEqual({ deploymentId: 1, source: "RULE" });
    expect(attribute([deploy(1, -24 * HOUR - 1)])).toEqual({ deploymentId: null, source: null });
  });

  it("includes a deployment that finished at the very moment the incident began, and not one a millisecond later", () => {
    expect(attribute([deploy(2, 0)])).toEqual({ deploymentId: 2, source: "RULE" });
    expect(attribute([deploy(2, 1)])).toEqual({ deploymentId: null, source: null });
  });

  it("follows the configured window", () => {
    const d = deploy(3, -5 * HOUR);
    expect(attribute([d], 4)).toEqual({ deploymentId: null, source: null });
    expect(attribute([d], 5)).toEqual({ deploymentId: 3, source: "RULE" });
    expect(attributionWindowStart(openedAt, 5)).toEqual(new Date("2026-11-20T07:00:00Z"));
  });
});

describe("the rule", () => {
  it("picks the latest production deployment that finished in the window, whatever its position in the input", () => {
    expect(attribute([deploy(1, -20 * HOUR), deploy(3, -1 * HOUR), deploy(2, -2 * HOUR)])).toEqual({ deploymentId: 3, source: "RULE" });
  });

  it("breaks a tie on the finish time by the higher id (the one recorded last)", () => {
    expect(attribute([deploy(9, -HOUR), deploy(4, -HOUR)])).toEqual({ deploymentId: 9, source: "RULE" });
    expect(attribute([deploy(4, -HOUR), deploy(9, -HOUR)])).toEqual({ deploymentId: 9, source: "RULE" });
  });

  it("ignores other services' deployments, even later ones", () => {
    expect(attribute([deploy(1, -3 * HOUR), deploy(2, -HOUR, { serviceId: 8 })])).toEqual({ deploymentId: 1, source: "RULE" });
    expect(attribute([deploy(2, -HOUR, { serviceId: 8 })])).toEqual({ deploymentId: null, source: null });
  });

  it("ignores deployments outside production, and ones that have not finished", () => {
    expect(attribute([deploy(1, -3 * HOUR), deploy(2, -HOUR, { environment: "staging" }), deploy(3, null)])).toEqual({ deploymentId: 1, source: "RULE" });
    expect(attribute([deploy(2, -HOUR, { environment: "staging" }), deploy(3, null)])).toEqual({ deploymentId: null, source: null });
  });
});

describe("an explicit link", () => {
  it("wins over the rule, whether it names a deployment or none", () => {
    const candidates = [deploy(1, -HOUR)];
    expect(attribute(candidates, 24, { deploymentId: 42 })).toEqual({ deploymentId: 42, source: "EXPLICIT" });
    expect(attribute(candidates, 24, { deploymentId: null })).toEqual({ deploymentId: null, source: "EXPLICIT" });
  });

  it("wins even when it names a deployment the rule would never pick", () => {
    expect(attribute([deploy(5, 3 * HOUR, { serviceId: 8, environment: "staging" })], 24, { deploymentId: 5 })).toEqual({ deploymentId: 5, source: "EXPLICIT" });
  });
});

describe("properties", () => {
  const deployments = fc.array(
    fc.record({
      id: fc.integer({ min: 1, max: 50 }),
      serviceId: fc.constantFrom(7, 8),
      environment: fc.constantFrom("production", "staging"),
      finishedAt: fc.option(fc.integer({ min: -60, max: 10 }).map((h) => at(h * HOUR)), { nil: null }),
    }),
    { maxLength: 30 },
  );

  it("does not depend on the order of the deployments, picks a candidate, and no candidate finished later", () => {
    fc.assert(
      fc.property(deployments, fc.integer({ min: 1, max: 48 }), (list, windowHours) => {
        const result = attribute(list, windowHours);
        expect(attribute([...list].reverse(), windowHours)).toEqual(result);
        const candidates = list.filter((d) => isRuleCandidate(d, incident, windowHours));
        if (candidates.length === 0) {
          expect(result).toEqual({ deploymentId: null, source: null });
          return;
        }
        const chosen = candidates.filter((d) => d.id === result.deploymentId);
        expect(result.source).toBe("RULE");
        expect(chosen.length).toBeGreaterThan(0);
        const chosenAt = Math.max(...chosen.map((d) => d.finishedAt!.getTime()));
        for (const d of candidates) expect(d.finishedAt!.getTime()).toBeLessThanOrEqual(chosenAt);
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
