import { describe, expect, it } from "vitest";
import { ZIncidentIngestSchema, ZIncidentPatchSchema } from "@/lib/incidents/schemas";

const incident = (overrides: Record<string, unknown> = {}) => ({
  service: "checkout",
  title: "Checkout 5xx",
  severity: "SEV2",
  openedAt: "2026-11-20T10:00:00Z",
  source: "pagerduty",
  externalId: "P123",
  ...overrides,
});

const problems = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("ZIncidentIngestSchema", () => {
  it("takes one incident or a batch", () => {
    expect(ZIncidentIngestSchema.parse(incident())).toMatchObject({ isBatch: false, incidents: [{ externalId: "P123" }] });
    expect(ZIncidentIngestSchema.parse({ incidents: [incident(), incident({ externalId: "P124" })] }).incidents).toHaveLength(2);
  });

  it("names every problem of every item in a batch", () => {
    const result = ZIncidentIngestSchema.safeParse({
      incidents: [
        incident({ severity: "critical", resolvedAt: "2026-11-20T09:00:00Z" }),
        incident({ externalId: "P2", openedAt: "yesterday", extra: true }),
        incident(),
      ],
    });
    expect(problems(result)).toEqual([
      'incidents.0.severity: Invalid option: expected one of "SEV1"|"SEV2"|"SEV3"|"SEV4"',
      "incidents.0.resolvedAt: is before openedAt",
      "incidents.1.openedAt: must be an ISO 8601 timestamp with a time zone, e.g. 2026-11-26T10:00:00Z",
      'incidents.1: Unrecognized key: "extra"',
    ]);
  });

  it("refuses the same incident twice in one batch", () => {
    expect(problems(ZIncidentIngestSchema.safeParse({ incidents: [incident(), incident()] }))).toEqual(["incidents.1.externalId: repeats incidents.0 (same source and externalId)"]);
  });

  it("checks the status against the times, and the times against each other and the clock", () => {
    const future = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ status: "resolved" })))).toEqual(["resolvedAt: is required when status is resolved"]);
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ status: "open", resolvedAt: "2026-11-20T11:00:00Z" })))).toEqual(["resolvedAt: must be absent when status is open"]);
    expect(
      problems(ZIncidentIngestSchema.safeParse(incident({ acknowledgedAt: "2026-11-20T10:30:00Z", resolvedAt: "2026-11-20T10:20:00Z" }))),
    ).toEqual(["resolvedAt: is before acknowledgedAt"]);
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ openedAt: future })))).toEqual(["openedAt: is in the future"]);
  });

  it("takes an explicit deployment by id or by source and external id, or null for none, and nothing ambiguous", () => {
    expect(ZIncidentIngestSchema.safeParse(incident({ deployment: { id: 4 } })).success).toBe(true);
    expect(ZIncidentIngestSchema.safeParse(incident({ deployment: { source: "ci", externalId: "run-1" } })).success).toBe(true);
    expect(ZIncidentIngestSchema.safeParse(incident({ deployment: null })).success).toBe(true);
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ deployment: { id: 4, source: "ci" } })))).toEqual([
      "deployment: give either id, or source and externalId, not both",
    ]);
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ deployment: { source: "ci" } })))).toEqual(["deployment.externalId: is required with source"]);
  });

  it("refuses a deployment id beyond PostgreSQL's integer, and NUL or lone surrogates in text, naming the field", () => {
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ deployment: { id: 2147483648 } })))).toEqual(["deployment.id: must be an id no larger than 2147483647"]);
    expect(problems(ZIncidentIngestSchema.safeParse(incident({ title: "a\u0000b", description: "\uDC00" })))).toEqual([
      "title: must not contain a NUL character (\\u0000)",
      "description: must not contain an unpaired surrogate (not valid Unicode)",
    ]);
    expect(problems(ZIncidentPatchSchema.safeParse({ title: "\u0000", deployment: { id: 2147483648 } }))).toEqual([
      "deployment.id: must be an id no larger than 2147483647",
      "title: must not contain a NUL character (\\u0000)",
    ]);
  });
});

describe("ZIncidentPatchSchema", () => {
  it("needs at least one change", () => {
    expect(problems(ZIncidentPatchSchema.safeParse({}))).toEqual([
      ": change at least one of acknowledgedAt, resolvedAt, deployment, causedByChange, severity, title, description",
    ]);
  });

  it("takes a deployment, null, or the rule for the attribution", () => {
    expect(ZIncidentPatchSchema.parse({ deployment: "rule" })).toEqual({ deployment: "rule" });
    expect(ZIncidentPatchSchema.parse({ deployment: null })).toEqual({ deployment: null });
    expect(ZIncidentPatchSchema.parse({ deployment: { id: 3 } })).toEqual({ deployment: { id: 3 } });
    expect(problems(ZIncidentPatchSchema.safeParse({ deployment: "latest", causedByChange: "yes" }))).toEqual([
      'deployment: must be {"id": …}, {"source": …, "externalId": …}, null (no deployment) or "rule"',
      "causedByChange: Invalid input: expected boolean, received string",
    ]);
  });
});
