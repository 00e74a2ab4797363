import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_BATCH, ZDeploymentIngestSchema, normaliseEnvironment } from "@/lib/deployments/schemas";

const valid = {
  service: "cart-api",
  environment: "production",
  status: "succeeded",
  startedAt: "2026-11-20T10:00:00Z",
  finishedAt: "2026-11-20T10:12:00Z",
  source: "github-actions",
  externalId: "run-1",
  commits: [{ sha: "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0", committedAt: "2026-11-19T08:00:00Z" }],
};

function issuesOf(body: unknown): string[] {
  const result = ZDeploymentIngestSchema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("deployment ingest schema", () => {
  it("accepts one deployment and normalises prod aliases to production", () => {
    const result = ZDeploymentIngestSchema.parse({ ...valid, environment: " PRD " });
    expect(result.isBatch).toBe(false);
    expect(result.deployments[0]?.environment).toBe("production");
    expect(result.deployments[0]?.planned).toBe(true);
  });

  it("keeps other environments as they are, lower-cased", () => {
    expect(normaliseEnvironment("Staging")).toBe("staging");
    expect(normaliseEnvironment("live")).toBe("production");
  });

  it("names the bad item of a batch by its index", () => {
    const deployments = Array.from({ length: 5 }, (_, i) => ({ ...valid, externalId: `run-${i}` }));
    deployments[3] = { ...deployments[3]!, finishedAt: "2026-11-20T09:00:00Z" };
    expect(issuesOf({ deployments })).toEqual(["deployments.3.finishedAt: is before startedAt"]);
  });

  it("lists every problem, not only the first", () => {
    const issues = issuesOf({ ...valid, status: "done", startedAt: "yesterday", commits: [{ sha: "xyz" }] });
    expect(issues).toHaveLength(3);
    expect(issues.join("\n")).toMatch(/status/);
    expect(issues.join("\n")).toMatch(/startedAt/);
    expect(issues.join("\n")).toMatch(/commits\.0\.sha/);
  });

  it("requires finishedAt once a deployment is over, and refuses it while in progress", () => {
    const running: Partial<typeof valid> = { ...valid };
    delete running.finishedAt;
    expect(issuesOf(running)).toEqual(["finishedAt: is required when status is succeeded"]);
    expect(issuesOf({ ...running, status: "in_progress" })).toEqual([]);
    expect(issuesOf({ ...valid, status: "in_progress" })).toEqual(["finishedAt: must be absent while in_progress"]);
  });

  it("refuses the same source and externalId twice in one batch", () => {
    expect(issuesOf({ deployments: [valid, valid] })).toEqual(["deployments.1.externalId: repeats deployments.0 (same source and externalId)"]);
  });

  it("refuses a repeated commit within a deployment", () => {
    const sha = valid.commits[0]!.sha;
    expect(issuesOf({ ...valid, commits: [{ sha }, { sha: sha.toUpperCase() }] })).toEqual(["commits.1.sha: repeats commits.0.sha"]);
  });

  it("refuses unknown fields rather than dropping them silently", () => {
    expect(issuesOf({ ...valid, enviroment: "prod" })[0]).toMatch(/enviroment/);
  });

  it("refuses timestamps in the future and batches over the limit", () => {
    expect(issuesOf({ ...valid, startedAt: "2999-01-01T00:00:00Z", finishedAt: "2999-01-01T00:10:00Z" })).toEqual([
      "startedAt: is in the future",
      "finishedAt: is in the future",
    ]);
    const tooMany = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ ...valid, externalId: `r${i}` }));
    expect(issuesOf({ deployments: tooMany })[0]).toMatch(/at most 1000/);
    expect(issuesOf({ deployments: [] })[0]).toMatch(/at least one/);
  });

  it("refuses timestamps before 1970, which the database cannot store (year 0000)", () => {
    expect(
      issuesOf({ ...valid, startedAt: "0000-01-01T00:00:00Z", finishedAt: "0000-01-01T00:00:01Z", commits: [{ sha: valid.commits[0]!.sha, committedAt: "1969-12-31T23:59:59Z" }] }),
    ).toEqual(["startedAt: is before 1970-01-01", "finishedAt: is before 1970-01-01", "commits.0.committedAt: is before 1970-01-01"]);
  });

  it("refuses NUL characters and lone surrogates in text, naming the field (PostgreSQL cannot store them)", () => {
    expect(issuesOf({ ...valid, version: "1.0\u0000", externalId: "run-\uD800", commits: [{ sha: valid.commits[0]!.sha, message: "fix\u0000" }] })).toEqual([
      "version: must not contain a NUL character (\\u0000)",
      "commits.0.message: must not contain a NUL character (\\u0000)",
      "externalId: must not contain an unpaired surrogate (not valid Unicode)",
    ]);
  });

  it("takes only http(s) URLs for the deployment and its commits, never javascript: or data:", () => {
    expect(issuesOf({ ...valid, url: "javascript:alert(document.cookie)", commits: [{ sha: valid.commits[0]!.sha, url: "data:text/html,<script>alert(1)</script>" }] })).toEqual([
      "commits.0.url: must be an http:// or https:// URL",
      "url: must be an http:// or https:// URL",
    ]);
    expect(issuesOf({ ...valid, url: "https://ci.example.com/runs/1" })).toEqual([]);
  });

  it("accepts any well-formed deployment and keeps the batch order (property)", () => {
    const item = fc.record({
      externalId: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
      minutes: fc.integer({ min: 0, max: 600 }),
      status: fc.constantFrom("succeeded", "failed", "rolled_back"),
      sha: fc.stringMatching(/^[0-9a-f]{40}$/),
    });
    fc.assert(
      fc.property(fc.uniqueArray(item, { minLength: 1, maxLength: 30, selector: (i) => i.externalId.trim() }), (items) => {
        const body = {
          deployments: items.map((i) => ({
            ...valid,
            externalId: i.externalId,
            status: i.status,
            finishedAt: new Date(Date.parse(valid.startedAt) + i.minutes * 60_000).toISOString(),
            commits: [{ sha: i.sha }],
          })),
        };
        const parsed = ZDeploymentIngestSchema.parse(body);
        expect(parsed.deployments.map((d) => d.externalId)).toEqual(items.map((i) => i.externalId.trim()));
      }),
      { numRuns: 100 },
    );
  }, 30_000);
});
