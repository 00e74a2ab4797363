/**
 * The collector jobs on pg-boss against a real PostgreSQL: a job sent to the
 * queue is taken by a worker, syncs the account × region through an injected
 * CodePipeline client, and stores what it read. No cron is waited for.
 */
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db, getPool } from "@/lib/db";
import { COLLECT_CODEPIPELINE, planCodePipelineSyncs, singletonKey } from "@/lib/jobs/collect-codepipeline";
import { startJobs, type TJobs } from "@/lib/jobs/start-jobs";
import { executionSummary, REGION, serveFakeCodePipeline } from "@/lib/pipelines/collect/fake-codepipeline";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

const started: TJobs[] = [];

afterAll(async () => {
  for (const jobs of started) await jobs.stop();
  await closeDb();
});

async function start(options: Parameters<typeof startJobs>[0]): Promise<TJobs> {
  const jobs = await startJobs(options);
  started.push(jobs);
  return jobs;
}

function randomAccountId(): string {
  return String(Math.floor(1e11 + Math.random() * 9e11));
}

async function until<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("collector jobs", () => {
  it("sync an account × region taken off the queue and store what they read", async () => {
    const service = await makeService();
    const accountId = randomAccountId();
    const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] }, select: { id: true } });
    const name = uniqueSlug("web");
    const client = new CodePipelineClient({ region: REGION });
    serveFakeCodePipeline(mockClient(client), {
      pipelines: [{ name, version: 1, stages: ["Source", "Production"], tags: { "portside:service": service.slug }, executions: [executionSummary("a1b2c3d4-0000-4000-8000-000000000001", "Succeeded", 0)] }],
    });
    const jobs = await start({
      isScheduling: false,
      createClient: (ref) => {
        if (ref.accountId !== accountId) throw new Error(`this test syncs account ${accountId} only`);
        return client;
      },
    });

    const job = { accountId, region: REGION };
    const id = await jobs.boss.send(COLLECT_CODEPIPELINE, job, { singletonKey: singletonKey(job) });
    expect(id).toBeTruthy();
    const done = await until(
      () => jobs.boss.getJobById(COLLECT_CODEPIPELINE, id!),
      (j) => j?.state === "completed" || j?.state === "failed",
    );
    expect(done?.state).toBe("completed");
    expect(done?.output).toMatchObject({ accountId, region: REGION, status: "SUCCEEDED" });

    const pipeline = await db.pipeline.findFirstOrThrow({ where: { name }, select: { awsAccountId: true, serviceId: true, latestStatus: true, _count: { select: { executions: true } } } });
    expect(pipeline).toEqual({ awsAccountId: account.id, serviceId: service.serviceId, latestStatus: "SUCCEEDED", _count: { executions: 1 } });
    expect(await db.deployment.count({ where: { serviceId: service.serviceId, source: "codepipeline" } })).toBe(1);
    expect(await db.syncRun.findMany({ where: { awsAccountId: account.id }, select: { status: true, source: true } })).toEqual([{ status: "SUCCEEDED", source: "CODEPIPELINE" }]);
  });

  it("plan one job per account × region, and never a second one waiting for the same account × region", async () => {
    // No workers here: the planned jobs stay queued, so they can be counted.
    for (const jobs of started.splice(0)) await jobs.stop();
    const jobs = await start({ isWorking: false, isScheduling: false });
    const accountId = randomAccountId();
    await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: ["eu-west-1", "us-east-1"] } });

    const queued = async () => {
      const { rows } = await getPool().query<{ key: string }>(
        `SELECT singleton_key AS key FROM pgboss.job WHERE name = $1 AND state = 'created' AND singleton_key LIKE $2 ORDER BY 1`,
        [COLLECT_CODEPIPELINE, `${accountId}:%`],
      );
      return rows.map((r) => r.key);
    };
    expect(await planCodePipelineSyncs(jobs.boss)).toBeGreaterThanOrEqual(2);
    expect(await queued()).toEqual([`${accountId}:eu-west-1`, `${accountId}:us-east-1`]);
    await planCodePipelineSyncs(jobs.boss);
    expect(await queued()).toEqual([`${accountId}:eu-west-1`, `${accountId}:us-east-1`]);
    await jobs.boss.purgeQueue(COLLECT_CODEPIPELINE);
  });
});
