import { randomBytes, randomUUID } from "node:crypto";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/deployments/route";
import { ingestBatchStats } from "@/lib/deployments/server/ingest-batcher";
import { closeDb, db } from "@/lib/db";
import { executionSummary, REGION, serveFakeCodePipeline } from "@/lib/testing/aws/fake-codepipeline";
import { syncPipelines } from "@/lib/pipelines/server/sync-pipelines";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";

let service: Awaited<ReturnType<typeof makeService>>;
let token: string;
let tokenId: number;

beforeAll(async () => {
  service = await makeService();
  ({ token, id: tokenId } = await makeToken(["ingest"]));
});
afterAll(async () => {
  await closeDb();
});

function deployment(externalId: string, source: string, overrides: Record<string, unknown> = {}) {
  return {
    service: service.slug,
    environment: "prod",
    status: "succeeded",
    startedAt: "2026-11-20T10:00:00Z",
    finishedAt: "2026-11-20T10:10:00Z",
    version: "1.2.3",
    source,
    externalId,
    commits: [
      { sha: "0123456789abcdef0123456789abcdef01234567", committedAt: "2026-11-19T09:00:00Z", message: "Fix retries" },
      { sha: "89abcdef0123456789abcdef0123456789abcdef" },
    ],
    ...overrides,
  };
}

function post(body: unknown, authorization: string | null = `Bearer ${token}`) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization) headers.authorization = authorization;
  return POST(new Request("http://portside.test/api/deployments", { method: "POST", headers, body: JSON.stringify(body) }));
}

async function countBySource(source: string) {
  return db.deployment.count({ where: { source } });
}

describe("POST /api/deployments", () => {
  it("refuses a request without a token, with an unknown token, and with a token lacking the ingest scope", async () => {
    const source = uniqueSlug("src");
    expect((await post(deployment("a", source), null)).status).toBe(401);
    expect((await post(deployment("a", source), "Bearer psk_not-a-real-token")).status).toBe(401);
    const readOnly = await makeToken(["read"]);
    const forbidden = await post(deployment("a", source), `Bearer ${readOnly.token}`);
    expect(forbidden.status).toBe(403);
    expect(await countBySource(source)).toBe(0);
  });

  it("checks who is asking before anything else: a bad token with a bad body gets 401, a read-only token never learns which services exist", async () => {
    expect((await post({ nonsense: true }, "Bearer psk_not-a-real-token")).status).toBe(401);
    const readOnly = await makeToken(["read"]);
    expect((await post({ nonsense: true }, `Bearer ${readOnly.token}`)).status).toBe(403);
    const probe = await post(deployment("a", uniqueSlug("src"), { service: "no-such-service" }), `Bearer ${readOnly.token}`);
    expect(probe.status).toBe(403);
    expect(JSON.stringify(await probe.json())).not.toMatch(/no-such-service/);
  });

  it("answers 429 with Retry-After to an address that keeps sending bad tokens, and only to it", async () => {
    const from = (ip: string, authorization: string) =>
      POST(
        new Request("http://portside.test/api/deployments", {
          method: "POST",
          headers: { "content-type": "application/json", authorization, "x-forwarded-for": `203.0.113.7, ${ip}` },
          body: JSON.stringify(deployment("a", uniqueSlug("src"))),
        }),
      );
    for (let i = 0; i < 20; i++) expect((await from("198.51.100.1", "Bearer psk_guess-" + i)).status).toBe(401);
    const limited = await from("198.51.100.1", "Bearer psk_guess-21");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // The client-supplied first X-Forwarded-For entry is not what is counted.
    expect((await from("198.51.100.2", "Bearer psk_guess-22")).status).toBe(401);
    expect((await from("198.51.100.2", `Bearer ${token}`)).status).toBe(201);
  });

  it("refuses a revoked token", async () => {
    const revoked = await makeToken(["ingest"]);
    await db.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    const response = await post(deployment("a", uniqueSlug("src")), `Bearer ${revoked.token}`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
  });

  it("stores one deployment with its commits, normalises the environment, and records who did it", async () => {
    const source = uniqueSlug("src");
    const response = await post(deployment("run-1", source));
    expect(response.status).toBe(201);
    const body = (await response.json()) as { created: number; deployments: { id: number; result: string }[] };
    expect(body.created).toBe(1);
    const stored = await db.deployment.findUniqueOrThrow({
      where: { id: body.deployments[0]!.id },
      select: { environment: true, status: true, serviceId: true, changes: { orderBy: { sha: "asc" }, select: { sha: true, committedAt: true } } },
    });
    expect(stored).toMatchObject({ environment: "production", status: "SUCCEEDED", serviceId: service.serviceId });
    expect(stored.changes).toEqual([
      { sha: "0123456789abcdef0123456789abcdef01234567", committedAt: new Date("2026-11-19T09:00:00Z") },
      { sha: "89abcdef0123456789abcdef0123456789abcdef", committedAt: null },
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deployments.ingest", actorTokenId: tokenId }, orderBy: { id: "desc" } });
    expect(audit.after).toEqual({ created: [body.deployments[0]!.id], updated: null });
    const used = await db.apiToken.findUniqueOrThrow({ where: { id: tokenId }, select: { lastUsedAt: true } });
    expect(used.lastUsedAt).not.toBeNull();
  });

  it("is idempotent: the same deployment twice stores one; a changed status or a new commit time updates it", async () => {
    const source = uniqueSlug("src");
    const first = await post(deployment("run-1", source, { status: "in_progress", finishedAt: undefined }));
    expect(first.status).toBe(201);
    const again = await post(deployment("run-1", source, { status: "in_progress", finishedAt: undefined }));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1 });

    const finished = await post(deployment("run-1", source, { status: "rolled_back" }));
    expect(await finished.json()).toMatchObject({ created: 0, updated: 1, unchanged: 0 });

    const withTime = deployment("run-1", source, {
      status: "rolled_back",
      commits: [
        { sha: "0123456789abcdef0123456789abcdef01234567", committedAt: "2026-11-19T09:00:00Z", message: "Fix retries" },
        { sha: "89abcdef0123456789abcdef0123456789abcdef", committedAt: "2026-11-18T12:00:00Z" },
      ],
    });
    expect(await (await post(withTime)).json()).toMatchObject({ updated: 1 });

    expect(await countBySource(source)).toBe(1);
    const stored = await db.deployment.findFirstOrThrow({ where: { source }, select: { status: true, finishedAt: true, _count: { select: { changes: true } } } });
    expect(stored).toEqual({ status: "ROLLED_BACK", finishedAt: new Date("2026-11-20T10:10:00Z"), _count: { changes: 2 } });
    expect(await db.change.count({ where: { deployment: { source }, committedAt: { not: null } } })).toBe(2);
  });

  it("stores 1,000 deployments once when the same batch is posted twice", async () => {
    const source = uniqueSlug("src");
    const batch = { deployments: Array.from({ length: 1000 }, (_, i) => deployment(`run-${i}`, source)) };
    const first = await post(batch);
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ created: 1000, updated: 0, unchanged: 0 });
    const second = await post(batch);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ created: 0, updated: 0, unchanged: 1000 });
    expect(await countBySource(source)).toBe(1000);
    expect(await db.change.count({ where: { deployment: { source } } })).toBe(2000);
  });

  it("stores nothing of a batch with one bad item, and names it", async () => {
    const source = uniqueSlug("src");
    const items = Array.from({ length: 1000 }, (_, i) => deployment(`run-${i}`, source));
    items[537] = { ...items[537]!, finishedAt: "2026-11-20T09:00:00Z" };
    const response = await post({ deployments: items });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; details: { issues: { path: string; message: string }[] } } };
    expect(body.error.code).toBe("INVALID_INPUT");
    expect(body.error.details.issues).toEqual([{ path: "deployments.537.finishedAt", message: "is before startedAt" }]);
    expect(await countBySource(source)).toBe(0);
  });

  it("answers 422 for an unknown service and stores nothing of the batch", async () => {
    const source = uniqueSlug("src");
    const response = await post({ deployments: [deployment("ok", source), deployment("nope", source, { service: "no-such-service" })] });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { details: { unknownServices: { index: number; service: string }[] } } };
    expect(body.error.details.unknownServices).toEqual([{ index: 1, service: "no-such-service" }]);
    expect(await countBySource(source)).toBe(0);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const response = await POST(
      new Request("http://portside.test/api/deployments", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: "{not json",
      }),
    );
    expect(response.status).toBe(400);
  });

  it("records an unplanned fix with the incident it fixes", async () => {
    const source = uniqueSlug("src");
    await post(deployment("fix-1", source, { planned: false, fixesIncident: "pagerduty:PD123" }));
    const stored = await db.deployment.findFirstOrThrow({ where: { source }, select: { isPlanned: true, fixesIncidentRef: true } });
    expect(stored).toEqual({ isPlanned: false, fixesIncidentRef: "pagerduty:PD123" });
  });
});

describe("POST /api/deployments: commit times for CodePipeline deployments", () => {
  /** Syncs a fake CodePipeline whose one pipeline deployed `commits` to the test service, one execution each; returns their deployments. */
  async function deployThroughCodePipeline(commits: string[]) {
    const accountId = String(1e11 + Math.floor(Math.random() * 9e11));
    await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
    const client = new CodePipelineClient({ region: REGION });
    const name = uniqueSlug("web");
    serveFakeCodePipeline(mockClient(client), {
      pipelines: [
        {
          name,
          version: 1,
          stages: ["Source", "Build", "Production"],
          tags: { "portside:service": service.slug },
          executions: commits.map((sha, i) =>
            executionSummary(randomUUID(), "Succeeded", 100 * (commits.length - i), {
              sourceRevisions: [{ actionName: "Source", revisionId: sha, revisionSummary: "A commit CodePipeline gives no time for" }],
            }),
          ),
        },
      ],
    });
    await syncPipelines({ accountId, createClient: () => client });
    const deployments = await db.deployment.findMany({
      where: { source: "codepipeline", pipelineExecution: { pipeline: { name } } },
      select: { id: true, changes: { select: { sha: true, authoredAt: true, committedAt: true } } },
    });
    expect(deployments).toHaveLength(commits.length);
    return deployments;
  }

  const changeOf = (sha: string) =>
    db.change.findFirstOrThrow({ where: { sha, deployment: { source: "codepipeline" } }, select: { authoredAt: true, committedAt: true } });

  it("fills in the times CodePipeline lacked from a later post of the same commit, never inventing or overwriting one", async () => {
    const commit = randomBytes(20).toString("hex");
    const other = randomBytes(20).toString("hex");
    const derived = await deployThroughCodePipeline([commit, other]);
    for (const d of derived) expect(d.changes).toEqual([{ sha: expect.any(String), authoredAt: null, committedAt: null }]);
    const source = uniqueSlug("ci");

    // Without a time, there is nothing to fill in.
    await post(deployment("staging-1", source, { environment: "staging", commits: [{ sha: commit }] }));
    expect(await changeOf(commit)).toEqual({ authoredAt: null, committedAt: null });

    const committedAt = "2026-11-01T08:15:00Z";
    const response = await post(deployment("staging-2", source, { environment: "staging", commits: [{ sha: commit.toUpperCase(), committedAt }] }));
    expect(response.status).toBe(201);
    expect(await changeOf(commit)).toEqual({ authoredAt: null, committedAt: new Date(committedAt) });
    const target = derived.find((d) => d.changes[0]!.sha === commit)!;
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deployments.ingest", actorTokenId: tokenId }, orderBy: { id: "desc" } });
    expect(audit.after).toMatchObject({ commitTimesFilledIn: [target.id] });

    // A known time stays; the one still unknown is taken.
    const authoredAt = "2026-10-31T17:00:00Z";
    await post(deployment("staging-3", source, { environment: "staging", commits: [{ sha: commit, committedAt: "2026-11-01T09:00:00Z", authoredAt }] }));
    expect(await changeOf(commit)).toEqual({ authoredAt: new Date(authoredAt), committedAt: new Date(committedAt) });

    // Only the same commit.
    expect(await changeOf(other)).toEqual({ authoredAt: null, committedAt: null });
  });
});

describe("POST /api/deployments, many at once", () => {
  const postFrom = (ip: string, body: unknown, authorization = `Bearer ${token}`) =>
    POST(
      new Request("http://portside.test/api/deployments", {
        method: "POST",
        headers: { "content-type": "application/json", authorization, "x-forwarded-for": ip },
        body: JSON.stringify(body),
      }),
    );

  it("shares statements between posts sent at once, and answers and audits each post as its own", async () => {
    const source = uniqueSlug("src");
    const before = { ...ingestBatchStats };
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => postFrom(`192.0.2.${i + 1}`, deployment(`run-${i}`, source))));
    expect(ingestBatchStats.requests - before.requests).toBe(40);
    // One alone, then the others that came while it ran: far fewer statements than posts.
    expect(ingestBatchStats.statements - before.statements).toBeLessThanOrEqual(10);
    expect(await countBySource(source)).toBe(40);
    for (const [i, response] of responses.entries()) {
      expect(response.status).toBe(201);
      const body = (await response.json()) as { created: number; updated: number; deployments: { index: number; id: number; externalId: string; result: string }[] };
      expect(body).toMatchObject({ created: 1, updated: 0, deployments: [{ index: 0, externalId: `run-${i}`, result: "created" }] });
      const requestId = response.headers.get("x-request-id")!;
      const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "deployments.ingest", requestId } });
      expect(audit).toMatchObject({ actorTokenId: tokenId, ip: `192.0.2.${i + 1}`, after: { created: [body.deployments[0]!.id], updated: null } });
    }
  });

  it("refuses only the post that names an unknown service; the posts grouped with it are stored", async () => {
    const source = uniqueSlug("src");
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        postFrom("192.0.2.50", deployment(`run-${i}`, source, i === 4 ? { service: "no-such-service" } : {})),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 422, 201, 201, 201, 201, 201]);
    const refused = (await responses[4]!.json()) as { error: { details: { unknownServices: { index: number; service: string }[] } } };
    expect(refused.error.details.unknownServices).toEqual([{ index: 0, service: "no-such-service" }]);
    expect(await countBySource(source)).toBe(9);
    expect(await db.deployment.count({ where: { source, externalId: "run-4" } })).toBe(0);
  });

  it("stores a deployment posted twice at once as one, and answers both posts", async () => {
    const source = uniqueSlug("src");
    const responses = await Promise.all([
      postFrom("192.0.2.60", deployment("same", source)),
      postFrom("192.0.2.61", deployment("other", source)),
      postFrom("192.0.2.62", deployment("same", source, { status: "failed" })),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 201, 201]);
    expect(await countBySource(source)).toBe(2);
    expect(await db.deployment.findFirstOrThrow({ where: { source, externalId: "same" }, select: { status: true } })).toEqual({ status: "FAILED" });
  });

  it("never groups posts of different tokens: a bad token gets 401, a read-only one 403, the others are stored", async () => {
    const source = uniqueSlug("src");
    const readOnly = await makeToken(["read"]);
    const responses = await Promise.all([
      postFrom("192.0.2.70", deployment("a", source)),
      postFrom("192.0.2.71", deployment("b", source), "Bearer psk_not-a-real-token"),
      postFrom("192.0.2.72", deployment("c", source), `Bearer ${readOnly.token}`),
      postFrom("192.0.2.73", deployment("d", source)),
    ]);
    expect(responses.map((r) => r.status)).toEqual([201, 401, 403, 201]);
    expect((await db.deployment.findMany({ where: { source }, select: { externalId: true }, orderBy: { externalId: "asc" } })).map((d) => d.externalId)).toEqual(["a", "d"]);
  });
});
