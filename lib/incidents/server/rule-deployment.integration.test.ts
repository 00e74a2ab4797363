/** The rule in SQL against the rule in TypeScript, on random deployments in a real PostgreSQL. */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { attributeIncident, type TCandidateDeployment } from "@/lib/incidents/attribution";
import { findRuleDeployment } from "@/lib/incidents/server/rule-deployment";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

const HOUR = 3_600_000;
const openedAt = new Date("2026-11-20T12:00:00Z");

describe("findRuleDeployment", () => {
  it("picks what attributeIncident picks, edges included, on random histories", async () => {
    const a = await makeService();
    const b = await makeService();
    // Offsets in minutes around the incident, with the window's edges (−24 h, 0) and just past them likely to appear.
    const offset = fc.oneof(fc.integer({ min: -30 * 60, max: 60 }), fc.constantFrom(-24 * 60, -24 * 60 - 1, 0, 1, -6 * 60));
    const row = fc.record({
      service: fc.constantFrom(a, b),
      environment: fc.constantFrom("production", "production", "staging"),
      finishedMinutes: fc.option(offset, { nil: null, freq: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 0, maxLength: 12 }), fc.constantFrom(6, 24), async (rows, windowHours) => {
        await db.deployment.deleteMany({ where: { serviceId: { in: [a.serviceId, b.serviceId] } } });
        const stored: TCandidateDeployment[] = [];
        for (const r of rows) {
          const finishedAt = r.finishedMinutes === null ? null : new Date(openedAt.getTime() + r.finishedMinutes * 60_000);
          const d = await db.deployment.create({
            data: {
              serviceId: r.service.serviceId,
              environment: r.environment,
              status: finishedAt ? "SUCCEEDED" : "IN_PROGRESS",
              startedAt: new Date((finishedAt ?? openedAt).getTime() - HOUR),
              finishedAt,
              source: "prop",
              externalId: uniqueSlug("d"),
            },
            select: { id: true, serviceId: true, environment: true, finishedAt: true },
          });
          stored.push(d);
        }
        const expected = attributeIncident({ incident: { serviceId: a.serviceId, openedAt }, deployments: stored, windowHours }).deploymentId;
        expect(await findRuleDeployment(db, { serviceId: a.serviceId, openedAt, windowHours })).toBe(expected);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
