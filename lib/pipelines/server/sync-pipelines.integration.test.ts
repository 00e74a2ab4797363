/**
 * syncPipelines against a real PostgreSQL, with CodePipeline answered by an
 * in-memory fake (aws-sdk-client-mock, SDK-typed responses) per account.
 */
import { CodePipelineClient, GetPipelineCommand, GetPipelineStateCommand, ListPipelineExecutionsCommand, ListPipelinesCommand } from "@aws-sdk/client-codepipeline";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import {
  actionExecution,
  at,
  executionSummary,
  REGION,
  serveFakeCodePipeline,
  sha,
  type TFakePipeline,
  type TFakeWorld,
} from "@/lib/testing/aws/fake-codepipeline";
import { syncPipelines, type TSyncPipelinesOutcome } from "@/lib/pipelines/server/sync-pipelines";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

afterAll(closeDb);

function randomAccountId(): string {
  return String(Math.floor(1e11 + Math.random() * 9e11));
}

interface TAccountWorld {
  accountId: string;
  awsAccountId: number;
  world: TFakeWorld;
  client: CodePipelineClient;
  mock: AwsClientStub<CodePipelineClient>;
}

/** A registered account whose CodePipeline is the fake `world`. */
async function account(pipelines: TFakePipeline[]): Promise<TAccountWorld> {
  const accountId = randomAccountId();
  const row = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] }, select: { id: true } });
  const client = new CodePipelineClient({ region: REGION });
  const mock = mockClient(client);
  const world: TFakeWorld = { pipelines };
  serveFakeCodePipeline(mock, world);
  return { accountId, awsAccountId: row.id, world, client, mock };
}

/** Syncs each account on its own (as the jobs do) and returns each one's outcome; no pipeline's turn in the rotation, so call counts are exact. */
function sync(...accounts: TAccountWorld[]): Promise<TSyncPipelinesOutcome[]> {
  return Promise.all(
    accounts.map(async (a) => {
      const [outcome, ...more] = await syncPipelines({ accountId: a.accountId, createClient: () => a.client, definitionRefreshRounds: 0 });
      if (!outcome || more.length) throw new Error("one account, one region: one outcome");
      return outcome;
    }),
  );
}

let service: Awaited<ReturnType<typeof makeService>>;

beforeEach(async () => {
  service = await makeService();
});

function webPipeline(name: string, extra: Partial<TFakePipeline> = {}): TFakePipeline {
  return {
    name,
    version: 1,
    stages: ["Source", "Build", "Production"],
    tags: { "portside:service": service.slug },
    executions: [
      executionSummary("33333333-0000-4000-8000-000000000003", "Succeeded", 300),
      executionSummary("22222222-0000-4000-8000-000000000002", "Failed", 200, { statusSummary: "Deploy failed" }),
      executionSummary("11111111-0000-4000-8000-000000000001", "Succeeded", 100),
    ],
    actions: {
      "22222222-0000-4000-8000-000000000002": [
        actionExecution("22222222-0000-4000-8000-000000000002", "Source", "Source", "Succeeded", 200),
        actionExecution("22222222-0000-4000-8000-000000000002", "Build", "Build", "Succeeded", 205),
        actionExecution("22222222-0000-4000-8000-000000000002", "Production", "Deploy", "Failed", 210, "Health checks failed"),
      ],
    },
    ...extra,
  };
}

async function pipelineNamed(name: string) {
  return db.pipeline.findFirstOrThrow({
    where: { name },
    select: {
      id: true,
      arn: true,
      serviceId: true,
      prodStage: true,
      version: true,
      structure: true,
      state: true,
      latestStatus: true,
      latestExecutionAt: true,
      lastSyncedAt: true,
      deletedAt: true,
      executions: { orderBy: { startedAt: "asc" }, select: { executionId: true, status: true, failureReason: true, failedAction: true, stages: true } },
    },
  });
}

async function deploymentsOf(pipelineId: number) {
  return db.deployment.findMany({
    where: { pipelineExecution: { pipelineId } },
    orderBy: { startedAt: "asc" },
    select: {
      status: true,
      environment: true,
      source: true,
      externalId: true,
      version: true,
      serviceId: true,
      remediatedAt: true,
      updatedAt: true,
      url: true,
      changes: { select: { sha: true, message: true, committedAt: true } },
    },
  });
}

describe("syncPipelines", () => {
  it("stores pipelines, executions and deployments, and records the run", async () => {
    const name = uniqueSlug("web");
    const a = await account([webPipeline(name)]);
    const [outcome] = await sync(a);
    expect(outcome).toMatchObject({ accountId: a.accountId, region: REGION, status: "SUCCEEDED", error: null });
    expect(outcome!.stored).toMatchObject({ pipelines: 1, createdPipelines: 1, executions: 3, deployments: { created: 3, deleted: 0 } });

    const pipeline = await pipelineNamed(name);
    expect(pipeline).toMatchObject({ serviceId: service.serviceId, prodStage: "Production", version: 1, latestStatus: "SUCCEEDED", deletedAt: null });
    expect((pipeline.structure as { name: string }[]).map((s) => s.name)).toEqual(["Source", "Build", "Production"]);
    expect((pipeline.state as { name: string }[]).map((s) => s.name)).toEqual(["Source", "Build", "Production"]);
    expect(pipeline.executions.map((e) => [e.status, e.failedAction, e.failureReason])).toEqual([
      ["SUCCEEDED", null, null],
      ["FAILED", "Production.Deploy", "Health checks failed"],
      ["SUCCEEDED", null, null],
    ]);

    const deployments = await deploymentsOf(pipeline.id);
    expect(deployments.map((d) => [d.status, d.environment, d.source, d.version, d.serviceId])).toEqual([
      ["SUCCEEDED", "production", "codepipeline", sha(100).slice(0, 7), service.serviceId],
      ["FAILED", "production", "codepipeline", sha(200).slice(0, 7), service.serviceId],
      ["SUCCEEDED", "production", "codepipeline", sha(300).slice(0, 7), service.serviceId],
    ]);
    expect(deployments[0]!.externalId).toBe(`${pipeline.arn}/11111111-0000-4000-8000-000000000001`);
    expect(deployments[0]!.url).toContain(`/codesuite/codepipeline/pipelines/${name}/executions/11111111-0000-4000-8000-000000000001/`);
    // CodePipeline does not say when a commit was made: unknown, not invented.
    expect(deployments[0]!.changes).toEqual([{ sha: sha(100), message: "change 11111111-0000-4000-8000-000000000001", committedAt: null }]);

    const mapping = await db.resourceMapping.findFirst({ where: { arn: pipeline.arn }, select: { source: true, serviceId: true } });
    expect(mapping).toEqual({ source: "AWS_TAG", serviceId: service.serviceId });

    const run = await db.syncRun.findFirstOrThrow({ where: { awsAccountId: a.awsAccountId }, select: { status: true, source: true, durationMs: true, finishedAt: true, region: true } });
    expect(run).toMatchObject({ status: "SUCCEEDED", source: "CODEPIPELINE", region: REGION });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.finishedAt).not.toBeNull();
  });

  it("costs one list pass and one state call per pipeline when nothing changed, and writes nothing but the sync time", async () => {
    const names = [uniqueSlug("a"), uniqueSlug("b")];
    const a = await account(names.map((n) => webPipeline(n)));
    await sync(a);
    const before = await Promise.all(names.map(async (n) => deploymentsOf((await pipelineNamed(n)).id)));
    a.mock.resetHistory();

    const [outcome] = await sync(a);
    expect(outcome).toMatchObject({ status: "SUCCEEDED", stored: { executions: 0, deployments: { created: 0, updated: 0, deleted: 0, rollbackMarks: 0 } } });
    expect(a.mock.commandCalls(ListPipelinesCommand)).toHaveLength(1);
    expect(a.mock.commandCalls(GetPipelineStateCommand)).toHaveLength(2);
    expect(a.mock.calls()).toHaveLength(3);
    const after = await Promise.all(names.map(async (n) => deploymentsOf((await pipelineNamed(n)).id)));
    expect(after).toEqual(before);
  });

  it("reads a pipeline deleted and recreated under the same name again: its new stages and its new service", async () => {
    const other = await makeService();
    const name = uniqueSlug("web");
    const a = await account([webPipeline(name, { created: at(-5000), updated: at(-5000) })]);
    await sync(a);
    expect(await pipelineNamed(name)).toMatchObject({ serviceId: service.serviceId, version: 1, prodStage: "Production" });

    // Terraform replaces it: version 1 again, other stages, another service; only ListPipelines' times differ.
    a.world.pipelines[0] = webPipeline(name, { created: at(900), updated: at(900), stages: ["Source", "Deploy", "Live"], tags: { "portside:service": other.slug }, executions: [] });
    a.mock.resetHistory();
    await sync(a);
    expect(a.mock.commandCalls(GetPipelineCommand)).toHaveLength(1);
    const recreated = await pipelineNamed(name);
    expect(recreated).toMatchObject({ serviceId: other.serviceId, version: 1, prodStage: "Live" });
    expect((recreated.structure as { name: string }[]).map((s) => s.name)).toEqual(["Source", "Deploy", "Live"]);

    // Stored with its new times: the next sync does not read it again.
    a.mock.resetHistory();
    await sync(a);
    expect(a.mock.commandCalls(GetPipelineCommand)).toHaveLength(0);
  });

  it("adds what is new incrementally", async () => {
    const name = uniqueSlug("web");
    const a = await account([webPipeline(name)]);
    await sync(a);
    const fake = a.world.pipelines[0]!;
    fake.executions.unshift(executionSummary("44444444-0000-4000-8000-000000000004", "InProgress", 400));
    a.mock.resetHistory();
    const [running] = await sync(a);
    expect(running!.stored).toMatchObject({ executions: 1, deployments: { created: 0 } });
    expect(a.mock.commandCalls(ListPipelineExecutionsCommand)).toHaveLength(1);
    expect((await pipelineNamed(name)).latestStatus).toBe("IN_PROGRESS");

    fake.executions[0] = executionSummary("44444444-0000-4000-8000-000000000004", "Succeeded", 400);
    const [done] = await sync(a);
    expect(done!.stored).toMatchObject({ executions: 1, deployments: { created: 1 } });
    const pipeline = await pipelineNamed(name);
    expect(pipeline.latestStatus).toBe("SUCCEEDED");
    expect(await deploymentsOf(pipeline.id)).toHaveLength(4);
  });

  it("flags a pipeline deleted in AWS, keeps its history, and unflags it when it comes back", async () => {
    const [keep, gone] = [uniqueSlug("keep"), uniqueSlug("gone")];
    const a = await account([webPipeline(keep), webPipeline(gone)]);
    await sync(a);
    const removed = a.world.pipelines.pop()!;
    const [outcome] = await sync(a);
    expect(outcome!.stored).toMatchObject({ removedPipelines: 1 });
    const flagged = await pipelineNamed(gone);
    expect(flagged.deletedAt).not.toBeNull();
    expect(flagged.executions).toHaveLength(3);
    expect(await deploymentsOf(flagged.id)).toHaveLength(3);

    a.world.pipelines.push(removed);
    await sync(a);
    expect((await pipelineNamed(gone)).deletedAt).toBeNull();
  });

  it("records a failing account as FAILED and syncs the others", async () => {
    const good = await account([webPipeline(uniqueSlug("ok"))]);
    const bad = await account([webPipeline(uniqueSlug("denied"))]);
    bad.world.listPipelinesError = Object.assign(new Error("User is not authorized to perform: codepipeline:ListPipelines"), { name: "AccessDeniedException" });
    const [ok, failed] = await sync(good, bad);
    expect(ok).toMatchObject({ status: "SUCCEEDED" });
    expect(failed).toMatchObject({ status: "FAILED", stored: null });
    expect(failed!.error).toMatch(/AccessDeniedException: User is not authorized/);
    const run = await db.syncRun.findFirstOrThrow({ where: { awsAccountId: bad.awsAccountId }, select: { status: true, errorMessage: true } });
    expect(run.status).toBe("FAILED");
    expect(run.errorMessage).toMatch(/Could not list CodePipeline pipelines in account/);
  });

  it("maps an untagged pipeline through the catalog, and derives its past deployments once it is mapped", async () => {
    const name = uniqueSlug("untagged");
    const a = await account([webPipeline(name, { tags: {} })]);
    await sync(a);
    const unmapped = await pipelineNamed(name);
    expect(unmapped.serviceId).toBeNull();
    expect(await deploymentsOf(unmapped.id)).toEqual([]);

    // What a catalog import with the aws.amazon.com/aws-codepipeline-arn annotation does.
    await db.resourceMapping.create({ data: { serviceId: service.serviceId, arn: unmapped.arn, resourceType: "AWS::CodePipeline::Pipeline", source: "CATALOG_FILE", sourceDetail: "catalog-info.yaml" } });
    await db.pipeline.update({ where: { id: unmapped.id }, data: { serviceId: service.serviceId } });
    const [outcome] = await sync(a);
    expect(outcome!.stored).toMatchObject({ executions: 0, deployments: { created: 3 } });
    expect((await deploymentsOf(unmapped.id)).map((d) => d.serviceId)).toEqual([service.serviceId, service.serviceId, service.serviceId]);
  });

  it("marks the deployment a rollback undid as rolled back, remediated when the rollback finished", async () => {
    const name = uniqueSlug("rb");
    const bad = "55555555-0000-4000-8000-000000000005";
    const rollback = "66666666-0000-4000-8000-000000000006";
    const pipeline = webPipeline(name);
    pipeline.executions.unshift(
      executionSummary(rollback, "Succeeded", 500, {
        executionType: "ROLLBACK",
        rollbackMetadata: { rollbackTargetPipelineExecutionId: "33333333-0000-4000-8000-000000000003" },
        trigger: { triggerType: "AutomatedRollback" },
      }),
      executionSummary(bad, "Failed", 400),
    );
    pipeline.executions.sort((x, y) => y.startTime!.getTime() - x.startTime!.getTime());
    pipeline.actions![bad] = [
      actionExecution(bad, "Source", "Source", "Succeeded", 400),
      actionExecution(bad, "Build", "Build", "Succeeded", 405),
      actionExecution(bad, "Production", "Deploy", "Failed", 410, "Alarm went off"),
    ];
    pipeline.actions![rollback] = [actionExecution(rollback, "Production", "Deploy", "Succeeded", 500)];
    const a = await account([pipeline]);
    const [outcome] = await sync(a);
    expect(outcome!.stored!.deployments.rollbackMarks).toBe(1);

    const stored = await pipelineNamed(name);
    const deployments = await deploymentsOf(stored.id);
    const undone = deployments.find((d) => d.externalId.endsWith(bad))!;
    // Production stage of the rollback: started at minute 500, last update 3 minutes later.
    expect(undone).toMatchObject({ status: "ROLLED_BACK", remediatedAt: new Date(Date.parse("2026-11-02T10:00:00Z") + 503 * 60_000) });
    expect(deployments.filter((d) => d.status === "ROLLED_BACK")).toHaveLength(1);
    // A rollback is not itself a deployment.
    expect(deployments.some((d) => d.externalId.endsWith(rollback))).toBe(false);
    const link = await db.pipelineExecution.findFirstOrThrow({ where: { pipelineId: stored.id, executionId: rollback }, select: { rolledBackExecutionId: true } });
    expect(link.rolledBackExecutionId).toBe(bad);
  });

  it("takes commit times from the same commit recorded through the ingest API, and invents none", async () => {
    const ci = await db.deployment.create({
      data: { serviceId: service.serviceId, environment: "staging", status: "SUCCEEDED", startedAt: new Date("2026-11-02T09:00:00Z"), source: "ci", externalId: uniqueSlug("ci") },
    });
    const committedAt = new Date("2026-11-02T08:15:00Z");
    const name = uniqueSlug("web");
    const pipeline = webPipeline(name);
    // A commit only this test knows, so that other tests' data cannot answer for it.
    const commit = uniqueSlug("c").replace(/[^0-9a-f]/g, "").padEnd(40, "b");
    pipeline.executions[0]!.sourceRevisions = [{ actionName: "Source", revisionId: commit, revisionSummary: "Known commit" }];
    await db.change.create({ data: { deploymentId: ci.id, sha: commit, committedAt, authoredAt: committedAt } });

    const a = await account([pipeline]);
    await sync(a);
    const deployments = await deploymentsOf((await pipelineNamed(name)).id);
    expect(deployments.at(-1)!.changes).toEqual([{ sha: commit, message: "Known commit", committedAt }]);
    expect(deployments[0]!.changes[0]!.committedAt).toBeNull();
  });
});
