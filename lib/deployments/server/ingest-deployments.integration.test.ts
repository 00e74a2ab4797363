import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/lib/auth/tokens";
import { closeDb, db } from "@/lib/db";
import { ZDeploymentInputSchema } from "@/lib/deployments/schemas";
import { submitIngest } from "@/lib/deployments/server/ingest-batcher";
import { ingestDeployments } from "@/lib/deployments/server/ingest-deployments";
import { AppError } from "@/lib/errors";
import { makeTeamService, makeTeamToken, makeToken, uniqueSlug } from "@/lib/testing/fixtures";

/*
 * Who may write which deployment: a team's token writes only deployments of
 * its team's services (and those of the teams nested under it), and never
 * takes over one that belongs to another team; nobody moves a deployment to
 * another service by posting it again.
 */

type TService = Awaited<ReturnType<typeof makeTeamService>>;
let group: TService; // the token's team
let nested: TService; // a team under it
let other: TService; // another team
let groupToken: { tokenHash: string };
let orgToken: { tokenHash: string };

beforeAll(async () => {
  group = await makeTeamService();
  nested = await makeTeamService({ parentId: group.teamId });
  other = await makeTeamService();
  groupToken = { tokenHash: hashToken((await makeTeamToken(group.teamId, ["ingest", "read"])).token) };
  orgToken = { tokenHash: hashToken((await makeToken(["ingest"])).token) };
});
afterAll(async () => {
  await closeDb();
});

function deployment(service: TService, source: string, externalId: string, overrides: Record<string, unknown> = {}) {
  return ZDeploymentInputSchema.parse({
    service: service.slug,
    environment: "production",
    status: "succeeded",
    startedAt: "2026-11-20T10:00:00Z",
    finishedAt: "2026-11-20T10:10:00Z",
    source,
    externalId,
    commits: [{ sha: "0123456789abcdef0123456789abcdef01234567" }],
    ...overrides,
  });
}

let requestNumber = 0;
const ingest = (actor: { tokenHash: string }, ...deployments: ReturnType<typeof deployment>[]) =>
  ingestDeployments({ actor, deployments, requestId: `team-scope-${++requestNumber}`, ip: "192.0.2.10" });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const rowsOf = (source: string) =>
  db.deployment.findMany({ where: { source }, orderBy: { externalId: "asc" }, select: { externalId: true, serviceId: true, status: true, version: true } });
const auditsOf = (requestId: string) => db.auditEvent.count({ where: { requestId } });

describe("a team's token", () => {
  it("writes deployments of its team's services and of the teams nested under it", async () => {
    const source = uniqueSlug("src");
    const outcome = await ingest(groupToken, deployment(group, source, "own"), deployment(nested, source, "nested"));
    expect(outcome.created).toBe(2);
    expect((await rowsOf(source)).map((r) => r.serviceId)).toEqual([nested.serviceId, group.serviceId]);
  });

  it("is refused (403 naming the service) for another team's service, and nothing of its post is stored", async () => {
    const source = uniqueSlug("src");
    const error = await refusal(ingest(groupToken, deployment(group, source, "a"), deployment(other, source, "b")));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain(other.slug);
    expect(error.message).not.toContain(group.slug);
    expect(await rowsOf(source)).toEqual([]);
    expect(await auditsOf(`team-scope-${requestNumber}`)).toBe(0);
  });

  it("never updates another team's deployment through the idempotent upsert", async () => {
    const source = uniqueSlug("src");
    await ingest(orgToken, deployment(other, source, "theirs", { version: "1.0.0" }));
    const before = await rowsOf(source);
    const error = await refusal(ingest(groupToken, deployment(other, source, "theirs", { status: "failed", version: "1.0.0" })));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain(other.slug);
    expect(await rowsOf(source)).toEqual(before);
    expect(before[0]!.status).toBe("SUCCEEDED");
  });

  it("never takes another team's deployment over by posting it for its own service", async () => {
    const source = uniqueSlug("src");
    await ingest(orgToken, deployment(other, source, "theirs"));
    const before = await rowsOf(source);
    const error = await refusal(ingest(groupToken, deployment(group, source, "mine"), deployment(group, source, "theirs")));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toContain(other.slug);
    expect(await rowsOf(source)).toEqual(before);
    expect(before.map((r) => r.serviceId)).toEqual([other.serviceId]);
  });

  it("refuses only its post that names another team's service; its posts grouped with it are stored", async () => {
    const source = uniqueSlug("src");
    const actor = { tokenHash: hashToken((await makeTeamToken(group.teamId)).token) };
    const submit = (...deployments: ReturnType<typeof deployment>[]) =>
      submitIngest({ actor, deployments, requestId: `team-scope-${++requestNumber}`, ip: "192.0.2.10" });
    const settled = await Promise.allSettled([
      submit(deployment(group, source, "first")),
      submit(deployment(group, source, "second")),
      submit(deployment(other, source, "refused"), deployment(group, source, "refused-too")),
      submit(deployment(nested, source, "third")),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const rejected = settled[2] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AppError);
    expect((rejected.reason as AppError).code).toBe("FORBIDDEN");
    expect((await rowsOf(source)).map((r) => r.externalId)).toEqual(["first", "second", "third"]);
  });
});

describe("a deployment posted again", () => {
  it("never moves to another service, whoever posts it: 422 naming both services, nothing stored", async () => {
    const source = uniqueSlug("src");
    await ingest(orgToken, deployment(group, source, "x", { version: "1" }));
    const before = await rowsOf(source);
    const error = await refusal(ingest(orgToken, deployment(other, source, "x", { version: "1" }), deployment(other, source, "y")));
    expect(error.code).toBe("UNPROCESSABLE");
    expect(error.message).toContain(group.slug);
    expect(error.message).toContain(other.slug);
    expect(await rowsOf(source)).toEqual(before);
  });

  it("never moves between two services a team token may both write", async () => {
    const source = uniqueSlug("src");
    await ingest(groupToken, deployment(nested, source, "x"));
    const error = await refusal(ingest(groupToken, deployment(group, source, "x")));
    expect(error.code).toBe("UNPROCESSABLE");
    expect(error.message).toContain(nested.slug);
    expect(error.message).toContain(group.slug);
    expect((await rowsOf(source)).map((r) => r.serviceId)).toEqual([nested.serviceId]);
  });

  it("of its own service is still updated in place", async () => {
    const source = uniqueSlug("src");
    await ingest(groupToken, deployment(nested, source, "x"));
    const outcome = await ingest(groupToken, deployment(nested, source, "x", { status: "failed" }));
    expect(outcome.updated).toBe(1);
    expect((await rowsOf(source)).map((r) => [r.serviceId, r.status])).toEqual([[nested.serviceId, "FAILED"]]);
  });
});
