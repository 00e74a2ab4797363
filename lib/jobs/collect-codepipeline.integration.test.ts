/**
 * The collector jobs on pg-boss against a real PostgreSQL: a job sent to the
 * queue is taken by a worker, syncs the account × region through an injected
 * CodePipeline client, and stores what it read. No cron is waited for.
 */
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db, getPool } from "@/lib/db";
import { singletonKey } from "@/lib/jobs/collector-jobs";
import { cloudWatchJobs, codePipelineJobs, xrayJobs } from "@/lib/jobs/collectors";
import { startJobs, type TJobs } from "@/lib/jobs/start-jobs";
import { executionSummary, REGION, serveFakeCodePipeline } from "@/lib/testing/aws/fake-codepipeline";
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
    const id = await jobs.boss.send(codePipelineJobs.collectQueue, job, { singletonKey: singletonKey(job) });
    expect(id).toBeTruthy();
    const done = await until(
      () => jobs.boss.getJobById(codePipelineJobs.collectQueue, id!),
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
        [codePipelineJobs.collectQueue, `${accountId}:%`],
      );
      return rows.map((r) => r.key);
    };
    const midday = { now: new Date("2026-11-02T12:00:00Z"), intervalMinutes: 5 };
    expect(await codePipelineJobs.plan(jobs.boss, midday)).toBeGreaterThanOrEqual(2);
    expect(await queued()).toEqual([`${accountId}:eu-west-1`, `${accountId}:us-east-1`]);
    await codePipelineJobs.plan(jobs.boss, midday);
    expect(await queued()).toEqual([`${accountId}:eu-west-1`, `${accountId}:us-east-1`]);
    await jobs.boss.purgeQueue(codePipelineJobs.collectQueue);
  });

  it("plan the day's first syncs as a full refresh, which reads every pipeline's definition and tags again", async () => {
    for (const jobs of started.splice(0)) await jobs.stop();
    const planner = await start({ isWorking: false, isScheduling: false });
    const accountId = randomAccountId();
    await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
    await codePipelineJobs.plan(planner.boss, { now: new Date("2026-11-03T00:02:00Z"), intervalMinutes: 5 });
    const { rows } = await getPool().query<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = $1 AND state = 'created' AND singleton_key = $2`, [
      codePipelineJobs.collectQueue,
      `${accountId}:${REGION}`,
    ]);
    expect(rows.map((r) => r.data)).toEqual([{ accountId, region: REGION, isFullRefresh: true }]);
    await planner.boss.purgeQueue(codePipelineJobs.collectQueue);

    // The full refresh re-reads a pipeline whose version and times say nothing changed: a new portside:service tag is seen.
    const [before, after] = [await makeService(), await makeService()];
    const name = uniqueSlug("web");
    const world = { pipelines: [{ name, version: 1, stages: ["Source", "Production"], tags: { "portside:service": before.slug }, executions: [] }] };
    const client = new CodePipelineClient({ region: REGION });
    serveFakeCodePipeline(mockClient(client), world);
    await codePipelineJobs.collect({ accountId, region: REGION }, { createClient: () => client, definitionRefreshRounds: 0 });
    world.pipelines[0]!.tags = { "portside:service": after.slug };
    await codePipelineJobs.collect({ accountId, region: REGION }, { createClient: () => client, definitionRefreshRounds: 0 });
    expect(await db.pipeline.findFirstOrThrow({ where: { name }, select: { serviceId: true } })).toEqual({ serviceId: before.serviceId });
    await codePipelineJobs.collect({ accountId, region: REGION, isFullRefresh: true }, { createClient: () => client, definitionRefreshRounds: 0 });
    expect(await db.pipeline.findFirstOrThrow({ where: { name }, select: { serviceId: true } })).toEqual({ serviceId: after.serviceId });
  });

  it("plan plain syncs for the collectors without a full refresh, even at the day's first plan", async () => {
    for (const jobs of started.splice(0)) await jobs.stop();
    const planner = await start({ isWorking: false, isScheduling: false });
    const accountId = randomAccountId();
    await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
    const firstOfDay = { now: new Date("2026-11-03T00:02:00Z"), intervalMinutes: 5 };
    for (const collector of [cloudWatchJobs, xrayJobs]) {
      await collector.plan(planner.boss, firstOfDay);
      const { rows } = await getPool().query<{ data: unknown }>(`SELECT data FROM pgboss.job WHERE name = $1 AND state = 'created' AND singleton_key = $2`, [
        collector.collectQueue,
        `${accountId}:${REGION}`,
      ]);
      expect(rows.map((r) => r.data)).toEqual([{ accountId, region: REGION }]);
      await planner.boss.purgeQueue(collector.collectQueue);
    }
  });
});
