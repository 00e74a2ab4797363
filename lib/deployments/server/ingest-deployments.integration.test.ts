import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/lib/auth/tokens";
import { closeDb, db } from "@/lib/db";
import { submitIngest } from "@/lib/deployments/server/ingest-batcher";
import { ingestDeployments } from "@/lib/deployments/server/ingest-deployments";
import { AppError } from "@/lib/errors";
import { DEPLOYMENT_SOURCE } from "@/lib/pipelines/server/deployment-rows";
import { makeTeamService, makeTeamToken, makeToken, uniqueSlug, deploymentInput } from "@/lib/testing/fixtures";

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
  return deploymentInput(service.slug, source, externalId, { commits: [{ sha: "0123456789abcdef0123456789abcdef01234567" }], ...overrides });
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

describe("commit times a post carries", () => {
  // A CodePipeline deployment of `service` whose change of `sha` has no times yet.
  const pipelineChange = async (service: TService, sha: string) => {
    const created = await db.deployment.create({
      data: {
        serviceId: service.serviceId,
        environment: "production",
        status: "SUCCEEDED",
        startedAt: new Date("2026-11-20T09:00:00Z"),
        finishedAt: new Date("2026-11-20T09:10:00Z"),
        source: DEPLOYMENT_SOURCE,
        externalId: uniqueSlug("exec"),
        changes: { create: [{ sha }] },
      },
      select: { id: true },
    });
    return () => db.change.findFirstOrThrow({ where: { deploymentId: created.id, sha }, select: { authoredAt: true, committedAt: true } });
  };
  const sha = () => randomBytes(20).toString("hex");
  const withTimes = (s: string) => ({ commits: [{ sha: s, authoredAt: "1970-01-01T00:00:00Z", committedAt: "1970-01-02T00:00:00Z" }] });

  it("from a team's token fill in its teams' CodePipeline changes of the same sha, never another team's", async () => {
    const s = sha();
    const own = await pipelineChange(nested, s);
    const theirs = await pipelineChange(other, s);
    const outcome = await ingest(groupToken, deployment(group, uniqueSlug("src"), "x", withTimes(s)));
    expect(outcome.created).toBe(1);
    expect(await own()).toEqual({ authoredAt: new Date("1970-01-01T00:00:00Z"), committedAt: new Date("1970-01-02T00:00:00Z") });
    expect(await theirs()).toEqual({ authoredAt: null, committedAt: null });
  });

  it("from an organisation-wide token fill in every team's", async () => {
    const s = sha();
    const theirs = await pipelineChange(other, s);
    await ingest(orgToken, deployment(group, uniqueSlug("src"), "x", withTimes(s)));
    expect(await theirs()).toEqual({ authoredAt: new Date("1970-01-01T00:00:00Z"), committedAt: new Date("1970-01-02T00:00:00Z") });
  });
});

/*
 * The race the statement cannot see: another request stores a deployment of the same source + externalId for
 * another service after this statement's snapshot. A second connection holds that insert open until the ingest
 * waits on the unique index for it, then commits; the ingest's upsert then leaves the row alone, and its request
 * must store nothing at all (no other row, no audit row) rather than part of it.
 */
describe("a deployment stored for another service by a concurrent request", () => {
  async function whileInsertHeld<T>(source: string, externalId: string, service: TService, ingestIt: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    // Settled as soon as they exist: a post may fail the moment the held insert commits, before this function
    // would otherwise get to them, and a rejection nobody listens to yet is an unhandled one.
    let settled: Promise<PromiseSettledResult<T>[]> = Promise.resolve([]);
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`INSERT INTO "Deployment" ("serviceId", environment, status, "startedAt", source, "externalId", "updatedAt")
                             VALUES (${service.serviceId}, 'production', 'SUCCEEDED', now(), ${source}, ${externalId}, now())`;
        const [{ pid }] = await tx.$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
        settled = Promise.allSettled(ingestIt());
        for (let waited = 0; ; waited += 20) {
          const blocked = await db.$queryRaw<unknown[]>`SELECT 1 FROM pg_stat_activity WHERE ${pid}::int = ANY (pg_blocking_pids(pid))`;
          if (blocked.length > 0) break;
          if (waited > 5000) throw new Error("the ingest never waited on the held insert");
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      { timeout: 10_000 },
    );
    return settled;
  }

  it("answers 409 and stores nothing of its request: no other row, no audit row", async () => {
    const source = uniqueSlug("src");
    const requestId = uniqueSlug("race");
    const [settled] = await whileInsertHeld(source, "contested", other, () => [
      ingestDeployments({ actor: orgToken, deployments: [deployment(group, source, "fresh"), deployment(group, source, "contested")], requestId, ip: null }),
    ]);
    expect(settled!.status).toBe("rejected");
    const error = (settled as PromiseRejectedResult).reason as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("Nothing was stored");
    expect((await rowsOf(source)).map((r) => [r.externalId, r.serviceId])).toEqual([["contested", other.serviceId]]);
    expect(await auditsOf(requestId)).toBe(0);
  });

  it("fails alone in a group: the posts grouped with it are stored", async () => {
    const source = uniqueSlug("src");
    const actor = { tokenHash: hashToken((await makeToken(["ingest"])).token) };
    const ids = [uniqueSlug("race"), uniqueSlug("race"), uniqueSlug("race")];
    const settled = await whileInsertHeld(source, "contested", other, () => [
      // The first goes alone; the next two wait for it and go together.
      submitIngest({ actor, deployments: [deployment(group, source, "first")], requestId: ids[0]!, ip: null }),
      submitIngest({ actor, deployments: [deployment(group, source, "fresh"), deployment(group, source, "contested")], requestId: ids[1]!, ip: null }),
      submitIngest({ actor, deployments: [deployment(group, source, "grouped")], requestId: ids[2]!, ip: null }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(((settled[1] as PromiseRejectedResult).reason as AppError).code).toBe("CONFLICT");
    expect((await rowsOf(source)).map((r) => r.externalId)).toEqual(["contested", "first", "grouped"]);
    expect(await Promise.all(ids.map(auditsOf))).toEqual([1, 0, 1]);
  });
});
