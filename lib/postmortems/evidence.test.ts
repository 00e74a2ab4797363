import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  alarmNameFromText,
  alarmText,
  auditChanges,
  compareEntries,
  draftEntries,
  evidenceWindow,
  finestBuckets,
  healthCrossings,
  MAX_WINDOW_SPAN_MS,
  type TEvidence,
  type TExecutionEvidence,
  type THealthBucket,
} from "@/lib/postmortems/evidence";

const MIN = 60_000;
const T0 = Date.parse("2026-11-02T10:00:00Z");
const at = (minute: number) => new Date(T0 + minute * MIN);

describe("evidenceWindow", () => {
  const margins = { marginBeforeMinutes: 120, marginAfterMinutes: 30, now: at(600) };

  it("spans the incident with the margins, and up to now while it is open", () => {
    expect(evidenceWindow({ incident: { openedAt: at(0), resolvedAt: at(40) }, impactStartedAt: null, mitigatedAt: null, ...margins })).toEqual({ start: at(-120), end: at(70) });
    expect(evidenceWindow({ incident: { openedAt: at(0), resolvedAt: null }, impactStartedAt: null, mitigatedAt: null, ...margins })).toEqual({ start: at(-120), end: at(630) });
  });

  it("starts from an impact set by hand before the incident opened, but not after", () => {
    expect(evidenceWindow({ incident: { openedAt: at(0), resolvedAt: at(40) }, impactStartedAt: at(-30), mitigatedAt: null, ...margins })?.start).toEqual(at(-150));
    expect(evidenceWindow({ incident: { openedAt: at(0), resolvedAt: at(40) }, impactStartedAt: at(10), mitigatedAt: null, ...margins })?.start).toEqual(at(-120));
  });

  it("uses a stand-alone postmortem's milestones, and has no window without an impact start", () => {
    expect(evidenceWindow({ incident: null, impactStartedAt: at(0), mitigatedAt: at(20), ...margins })).toEqual({ start: at(-120), end: at(50) });
    expect(evidenceWindow({ incident: null, impactStartedAt: at(0), mitigatedAt: null, ...margins })).toEqual({ start: at(-120), end: at(630) });
    expect(evidenceWindow({ incident: null, impactStartedAt: null, mitigatedAt: at(20), ...margins })).toBeNull();
  });

  it("cuts an incident left open for months to two weeks", () => {
    const window = evidenceWindow({ incident: { openedAt: at(0), resolvedAt: null }, impactStartedAt: null, mitigatedAt: null, ...margins, now: at(200 * 24 * 60) });
    expect(window?.end).toEqual(new Date(T0 + MAX_WINDOW_SPAN_MS + 30 * MIN));
  });

  it("always holds the incident, and wider margins never shrink it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 600 }),
        (opened, length, before, after, extra) => {
          const incident = { openedAt: at(opened), resolvedAt: length === null ? null : at(opened + length) };
          const base = { incident, impactStartedAt: null, mitigatedAt: null, now: at(opened + 3000) };
          const window = evidenceWindow({ ...base, marginBeforeMinutes: before, marginAfterMinutes: after })!;
          const wider = evidenceWindow({ ...base, marginBeforeMinutes: before + extra, marginAfterMinutes: after + extra })!;
          expect(window.start.getTime()).toBeLessThanOrEqual(incident.openedAt.getTime());
          expect(window.end.getTime()).toBeGreaterThanOrEqual((incident.resolvedAt ?? base.now).getTime());
          expect(wider.start.getTime()).toBeLessThanOrEqual(window.start.getTime());
          expect(wider.end.getTime()).toBeGreaterThanOrEqual(window.end.getTime());
        },
      ),
      { numRuns: 100 },
    );
  }, 30_000);
});

const bucket = (serviceId: number, minute: number, requests: number, failed: number, bucketSeconds = 300): THealthBucket => ({
  serviceId,
  bucketStart: at(minute),
  bucketSeconds,
  requests,
  errors: Math.floor(failed / 2),
  faults: failed - Math.floor(failed / 2),
});

describe("healthCrossings", () => {
  it("goes degraded at the first bucket at or above 5 % and recovers at the next one below", () => {
    const crossings = healthCrossings([bucket(1, 0, 200, 2), bucket(1, 5, 200, 10), bucket(1, 10, 200, 30), bucket(1, 15, 200, 10), bucket(1, 20, 200, 4)]);
    expect(crossings.map((c) => [c.kind, c.at.toISOString(), c.rate])).toEqual([
      ["health.degraded", "2026-11-02T10:05:00.000Z", 0.05],
      ["health.recovered", "2026-11-02T10:20:00.000Z", 0.02],
    ]);
  });

  it("takes a bucket with too few requests as saying nothing (1 fault in 2 requests is not an outage)", () => {
    expect(healthCrossings([bucket(1, 0, 2, 1), bucket(1, 5, 19, 19)])).toEqual([]);
    const crossings = healthCrossings([bucket(1, 0, 100, 50), bucket(1, 5, 3, 0), bucket(1, 10, 100, 1)]);
    expect(crossings.map((c) => [c.kind, c.at.getTime()])).toEqual([
      ["health.degraded", at(0).getTime()],
      ["health.recovered", at(10).getTime()],
    ]);
  });

  it("alternates degraded and recovered per service, in time order, each at a bucket that says so", () => {
    const arbitrary = fc.array(
      fc.record({ serviceId: fc.integer({ min: 1, max: 3 }), slot: fc.integer({ min: 0, max: 40 }), requests: fc.integer({ min: 0, max: 60 }), share: fc.double({ min: 0, max: 0.2, noNaN: true }) }),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(arbitrary, (raw) => {
        const unique = new Map(raw.map((r) => [`${r.serviceId}|${r.slot}`, bucket(r.serviceId, r.slot * 5, r.requests, Math.round(r.requests * r.share))]));
        const crossings = healthCrossings([...unique.values()]);
        for (let i = 1; i < crossings.length; i++) expect(crossings[i]!.at.getTime()).toBeGreaterThanOrEqual(crossings[i - 1]!.at.getTime());
        for (const serviceId of [1, 2, 3]) {
          const own = crossings.filter((c) => c.serviceId === serviceId);
          own.forEach((c, i) => expect(c.kind).toBe(i % 2 === 0 ? "health.degraded" : "health.recovered"));
        }
        for (const c of crossings) {
          expect(c.bucket.requests).toBeGreaterThanOrEqual(20);
          expect(c.rate >= 0.05).toBe(c.kind === "health.degraded");
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

describe("finestBuckets", () => {
  it("prefers an hour's 5-minute rows to its hourly row, and sums a service's nodes", () => {
    const rows = [bucket(1, 0, 10, 0), bucket(1, 0, 30, 3), bucket(1, 5, 40, 0), bucket(1, 0, 80, 3, 3600), bucket(1, -60, 500, 50, 3600)];
    expect(finestBuckets(rows).map((b) => [b.bucketStart.toISOString(), b.bucketSeconds, b.requests, b.errors + b.faults])).toEqual([
      ["2026-11-02T09:00:00.000Z", 3600, 500, 50],
      ["2026-11-02T10:00:00.000Z", 300, 40, 3],
      ["2026-11-02T10:05:00.000Z", 300, 40, 0],
    ]);
  });

  it("counts every request once, whichever hours were rolled up", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ slot: fc.integer({ min: 0, max: 47 }), requests: fc.integer({ min: 1, max: 100 }) }), { maxLength: 60 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (raw, rolledUp) => {
        const fine = [...new Map(raw.map((r) => [r.slot, bucket(7, r.slot * 5, r.requests, 0)])).values()];
        // As the store keeps them: an hourly sum of every hour, and 5-minute rows only for hours not rolled up yet.
        const hours = [0, 1, 2, 3].map((h) => ({ ...bucket(7, h * 60, fine.filter((b) => Math.floor((b.bucketStart.getTime() - T0) / 3_600_000) === h).reduce((n, b) => n + b.requests, 0), 0, 3600) }));
        const stored = [...hours.filter((h) => h.requests > 0), ...fine.filter((b) => !rolledUp[Math.floor((b.bucketStart.getTime() - T0) / 3_600_000)])];
        const picked = finestBuckets(stored);
        expect(picked.reduce((n, b) => n + b.requests, 0)).toBe(fine.reduce((n, b) => n + b.requests, 0));
        for (let i = 1; i < picked.length; i++) {
          expect(picked[i]!.bucketStart.getTime()).toBeGreaterThanOrEqual(picked[i - 1]!.bucketStart.getTime() + picked[i - 1]!.bucketSeconds * 1000);
        }
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});

describe("alarm texts", () => {
  it("gives back the alarm's name from any text it wrote", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }).filter((s) => !/ (in ALARM|back to OK|in INSUFFICIENT_DATA)/.test(s) && s.trim() === s && s.length > 0), fc.constantFrom("ALARM", "OK", "INSUFFICIENT_DATA" as const), fc.option(fc.string({ maxLength: 100 }), { nil: null }), (name, state, reason) => {
        expect(alarmNameFromText(alarmText(name, state, reason || null))).toBe(name);
      }),
      { numRuns: 100 },
    );
    expect(alarmNameFromText("Deploy went fine")).toBeNull();
  }, 30_000);
});

describe("auditChanges", () => {
  it("says what changed, leaving out what did not and the system's signature", () => {
    expect(auditChanges({ severity: "SEV2", title: "a" }, { severity: "SEV1", title: "a", via: "sso" })).toBe("severity: SEV2 → SEV1");
    expect(auditChanges(undefined, { created: [1, 2] })).toBe("created: [1,2]");
    expect(auditChanges({ revokedAt: null }, null)).toBe("revokedAt removed");
  });
});

const SERVICES = [
  { id: 1, slug: "checkout", name: "Checkout" },
  { id: 2, slug: "payments", name: "Payments" },
];
const WINDOW = { start: at(-120), end: at(70) };

function execution(overrides: Partial<TExecutionEvidence> = {}): TExecutionEvidence {
  return {
    id: 50,
    pipelineId: 9,
    pipelineName: "checkout-pipeline",
    region: "eu-west-1",
    serviceId: 1,
    structure: [
      { name: "Build", actions: [{ name: "Compile", category: "Build", provider: "CodeBuild", runOrder: 1 }] },
      { name: "Approve", actions: [{ name: "Sign-off", category: "Approval", provider: "Manual", runOrder: 1 }] },
      { name: "Prod", actions: [{ name: "Deploy", category: "Deploy", provider: "ECS", runOrder: 1 }] },
    ],
    executionId: "0123456789abcdef",
    status: "SUCCEEDED",
    executionType: "STANDARD",
    rollbackOf: null,
    triggerType: "Webhook",
    stages: [
      { name: "Build", status: "Succeeded", startedAt: at(-40).toISOString(), lastUpdatedAt: at(-35).toISOString(), actions: [] },
      {
        name: "Approve",
        status: "Succeeded",
        startedAt: at(-35).toISOString(),
        lastUpdatedAt: at(-30).toISOString(),
        actions: [{ name: "Sign-off", status: "Succeeded", startedAt: at(-35).toISOString(), lastUpdatedAt: at(-30).toISOString(), summary: "ship it", externalUrl: null, errorMessage: null }],
      },
      { name: "Prod", status: "Succeeded", startedAt: at(-30).toISOString(), lastUpdatedAt: at(-20).toISOString(), actions: [] },
    ],
    failureReason: null,
    failedAction: null,
    startedAt: at(-40),
    lastUpdatedAt: at(-20),
    deploymentId: 12,
    deploymentServiceId: 1,
    ...overrides,
  };
}

function evidence(overrides: Partial<TEvidence> = {}): TEvidence {
  return {
    window: WINDOW,
    services: SERVICES,
    suspectDeploymentId: 12,
    deployments: [{ id: 12, serviceId: 1, environment: "production", status: "SUCCEEDED", version: "a1b2c3d", source: "codepipeline", startedAt: at(-40), finishedAt: at(-20) }],
    executions: [execution()],
    transitions: [{ id: 40, alarmId: 4, alarmName: "checkout-5xx", region: "eu-west-1", serviceId: 1, fromState: "OK", toState: "ALARM", reason: "Threshold Crossed", at: at(0) }],
    buckets: [bucket(2, -10, 100, 1), bucket(2, -5, 100, 20), bucket(2, 30, 100, 0)],
    incidentEvents: [{ id: 70, incidentId: 5, serviceId: 1, kind: "opened", message: "Opened as SEV1: checkout 5xx", actor: "alarm (cloudwatch)", at: at(1), isOwn: true }],
    audit: [{ id: 80, at: at(10), action: "incident.update", entityType: "Incident", entityId: "5", actor: "Ada", serviceId: 1, before: { severity: "SEV2" }, after: { severity: "SEV1" } }],
    ...overrides,
  };
}

describe("draftEntries", () => {
  it("turns each piece of evidence into its entry, in order, with its links", () => {
    const entries = draftEntries(evidence());
    expect(entries.map((e) => [e.at.toISOString().slice(11, 16), e.originKey, e.source, e.kind, e.serviceId, e.isSuspect, e.text])).toEqual([
      ["09:20", "pipeline:50:started", "pipeline", "pipeline.started", 1, false, "Pipeline checkout-pipeline started execution 01234567 (Webhook)"],
      ["09:20", "stage:50:Build:started", "stage", "stage.started", 1, false, "Stage Build of checkout-pipeline (execution 01234567) started"],
      ["09:25", "stage:50:Build:finished", "stage", "stage.succeeded", 1, false, "Stage Build of checkout-pipeline (execution 01234567) succeeded"],
      ["09:25", "stage:50:Approve:started", "stage", "stage.started", 1, false, "Stage Approve of checkout-pipeline (execution 01234567) started"],
      ["09:30", "stage:50:Approve:finished", "stage", "stage.succeeded", 1, false, "Stage Approve of checkout-pipeline (execution 01234567) succeeded"],
      ["09:30", "approval:50:Approve:Sign-off", "approval", "approval.approved", 1, false, "Manual approval Sign-off in stage Approve of checkout-pipeline (execution 01234567): approved (“ship it”)"],
      ["09:30", "stage:50:Prod:started", "stage", "stage.started", 1, false, "Stage Prod of checkout-pipeline (execution 01234567) started"],
      ["09:40", "stage:50:Prod:finished", "stage", "stage.succeeded", 1, false, "Stage Prod of checkout-pipeline (execution 01234567) succeeded"],
      ["09:40", "pipeline:50:finished", "pipeline", "pipeline.succeeded", 1, false, "Execution 01234567 of checkout-pipeline succeeded after 20 min 0 s"],
      ["09:40", "deployment:12", "deployment", "deployment.succeeded", 1, true, "Deployment of Checkout a1b2c3d to production succeeded after 20 min 0 s (codepipeline)"],
      ["09:55", "health:2:2026-11-02T09:55:00.000Z:degraded", "servicemap", "health.degraded", 2, false, "Service map: Payments error rate 20.0 % (20 of 100 requests) in the 5 min from 09:55 UTC, at or above 5 %"],
      ["10:00", "alarm-transition:40", "alarm", "alarm.ALARM", 1, false, "Alarm checkout-5xx in ALARM: Threshold Crossed"],
      ["10:01", "incident-event:70", "incident", "incident.opened", 1, false, "Incident #5: Opened as SEV1: checkout 5xx (by alarm (cloudwatch))"],
      ["10:10", "audit:80", "audit", "audit.incident.update", 1, false, "Audit: incident.update on Incident 5 by Ada (severity: SEV2 → SEV1)"],
      ["10:30", "health:2:2026-11-02T10:30:00.000Z:recovered", "servicemap", "health.recovered", 2, false, "Service map: Payments error rate back to 0.0 % (0 of 100 requests) in the 5 min from 10:30 UTC, below 5 %"],
    ]);
    const byKey = new Map(entries.map((e) => [e.originKey, e]));
    const executionConsole = "https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/checkout-pipeline/executions/0123456789abcdef/timeline?region=eu-west-1";
    expect(byKey.get("deployment:12")).toMatchObject({ portalUrl: "/services/checkout", consoleUrl: executionConsole });
    expect(byKey.get("stage:50:Prod:started")).toMatchObject({ portalUrl: "/pipelines/9", consoleUrl: executionConsole });
    expect(byKey.get("alarm-transition:40")).toMatchObject({ portalUrl: "/alarms/4", consoleUrl: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-5xx" });
    expect(byKey.get("incident-event:70")).toMatchObject({ portalUrl: "/incidents/5", consoleUrl: null });
    expect(byKey.get("audit:80")?.portalUrl).toBe("/settings/audit?entityType=Incident&entityId=5");
    expect(byKey.get("health:2:2026-11-02T09:55:00.000Z:degraded")?.portalUrl).toBe(
      "/service-map?window=custom&group=Default&from=2026-11-02T09%3A25%3A00.000Z&to=2026-11-02T10%3A30%3A00.000Z&service=payments",
    );
  });

  it("drops what falls outside the window, except the suspect deployment", () => {
    const entries = draftEntries(
      evidence({
        window: { start: at(-10), end: at(70) },
        deployments: [
          { id: 12, serviceId: 1, environment: "production", status: "SUCCEEDED", version: "a1b2c3d", source: "codepipeline", startedAt: at(-40), finishedAt: at(-20) },
          { id: 13, serviceId: 2, environment: "production", status: "SUCCEEDED", version: "v7", source: "github", startedAt: at(-40), finishedAt: at(-20) },
          { id: 14, serviceId: 2, environment: "staging", status: "IN_PROGRESS", version: null, source: "github", startedAt: at(60), finishedAt: null },
          { id: 15, serviceId: 2, environment: "production", status: "FAILED", version: "v8", source: "github", startedAt: at(65), finishedAt: at(75) },
        ],
        executions: [],
      }),
    );
    expect(entries.filter((e) => e.source === "deployment").map((e) => [e.originKey, e.kind, e.at.getTime(), e.text])).toEqual([
      ["deployment:12", "deployment.succeeded", at(-20).getTime(), "Deployment of Checkout a1b2c3d to production succeeded after 20 min 0 s (codepipeline)"],
      ["deployment:14", "deployment.started", at(60).getTime(), "Deployment of Payments (no version) to staging started (github)"],
      ["deployment:15", "deployment.started", at(65).getTime(), "Deployment of Payments v8 to production started (github)"],
    ]);
  });

  it("drafts an execution without a deployment as started and finished (with its failure), its approvals but not its stages", () => {
    const failed = execution({
      id: 51,
      deploymentId: null,
      deploymentServiceId: null,
      status: "FAILED",
      failureReason: "Tests failed",
      failedAction: "Build.Compile",
      lastUpdatedAt: at(-30),
      stages: [
        { name: "Build", status: "Failed", startedAt: at(-40).toISOString(), lastUpdatedAt: at(-30).toISOString(), actions: [] },
        {
          name: "Approve",
          status: "InProgress",
          startedAt: at(-35).toISOString(),
          lastUpdatedAt: null,
          actions: [{ name: "Sign-off", status: "InProgress", startedAt: at(-35).toISOString(), lastUpdatedAt: null, summary: null, externalUrl: null, errorMessage: null }],
        },
      ],
    });
    const rollback = execution({ id: 52, deploymentId: null, deploymentServiceId: null, executionType: "ROLLBACK", rollbackOf: "fedcba9876543210", executionId: "9999aaaabbbb", status: "IN_PROGRESS", startedAt: at(5), stages: [] });
    const entries = draftEntries(evidence({ deployments: [], executions: [failed, rollback], transitions: [], buckets: [], incidentEvents: [], audit: [] }));
    expect(entries.map((e) => [e.originKey, e.kind, e.text])).toEqual([
      ["pipeline:51:started", "pipeline.started", "Pipeline checkout-pipeline started execution 01234567 (Webhook)"],
      ["approval:51:Approve:Sign-off", "approval.waiting", "Manual approval Sign-off in stage Approve of checkout-pipeline (execution 01234567): waiting for an answer"],
      ["pipeline:51:finished", "pipeline.failed", "Execution 01234567 of checkout-pipeline failed after 10 min 0 s at Build.Compile: Tests failed"],
      ["pipeline:52:started", "rollback.started", "Pipeline checkout-pipeline started a rollback to execution fedcba98 (execution 9999aaaa)"],
    ]);
  });

  it("always returns entries in timeline order, one per key", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 1, max: 30 }), minute: fc.integer({ min: -200, max: 200 }), toState: fc.constantFrom("ALARM" as const, "OK" as const) }), { maxLength: 30 }),
        fc.array(fc.record({ id: fc.integer({ min: 1, max: 30 }), minute: fc.integer({ min: -200, max: 200 }) }), { maxLength: 30 }),
        (alarms, events) => {
          const entries = draftEntries(
            evidence({
              transitions: alarms.map((a) => ({ id: a.id, alarmId: 4, alarmName: "x", region: "eu-west-1", serviceId: 1, fromState: null, toState: a.toState, reason: null, at: at(a.minute) })),
              incidentEvents: events.map((e) => ({ id: e.id, incidentId: 5, serviceId: 1, kind: "acknowledged", message: "Acknowledged", actor: null, at: at(e.minute), isOwn: true })),
            }),
          );
          for (let i = 1; i < entries.length; i++) expect(compareEntries(entries[i - 1]!, entries[i]!)).toBeLessThan(0);
          for (const e of entries) if (!e.isSuspect) expect(e.at >= WINDOW.start && e.at <= WINDOW.end).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  }, 30_000);
});
