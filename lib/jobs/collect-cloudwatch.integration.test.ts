/**
 * The alarm collector job on pg-boss against a real PostgreSQL: a job sent
 * to the queue is taken by a worker, syncs the account × region through an
 * injected CloudWatch client, and stores what it read.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { alarmArn, metricAlarm, REGION, serveFakeCloudWatch } from "@/lib/testing/aws/fake-cloudwatch";
import { closeDb, db } from "@/lib/db";
import { singletonKey } from "@/lib/jobs/collector-jobs";
import { cloudWatchJobs } from "@/lib/jobs/collectors";
import { startJobs, type TJobs } from "@/lib/jobs/start-jobs";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

let jobs: TJobs | undefined;
afterAll(async () => {
  await jobs?.stop();
  await closeDb();
});

describe("collect-cloudwatch job", () => {
  it("syncs an account × region taken off the queue and records the run", async () => {
    const service = await makeService();
    const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
    const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] }, select: { id: true } });
    const name = uniqueSlug("web-5xx");
    const arn = alarmArn(name, REGION, accountId);
    const client = new CloudWatchClient({ region: REGION });
    serveFakeCloudWatch(mockClient(client), { metricAlarms: [metricAlarm(name, "ALARM", { AlarmArn: arn })], tags: { [arn]: { "portside:service": service.slug } } });
    jobs = await startJobs({ isScheduling: false, cloudwatch: { createClient: () => client } });

    const job = { accountId, region: REGION };
    const id = await jobs.boss.send(cloudWatchJobs.collectQueue, job, { singletonKey: singletonKey(job) });
    const deadline = Date.now() + 30_000;
    let done = await jobs.boss.getJobById(cloudWatchJobs.collectQueue, id!);
    while (done?.state !== "completed" && done?.state !== "failed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      done = await jobs.boss.getJobById(cloudWatchJobs.collectQueue, id!);
    }
    expect(done?.state).toBe("completed");
    expect(await db.alarm.findFirst({ where: { arn }, select: { serviceId: true, state: true } })).toEqual({ serviceId: service.serviceId, state: "ALARM" });
    expect(await db.syncRun.findMany({ where: { awsAccountId: account.id }, select: { source: true, status: true } })).toEqual([{ source: "CLOUDWATCH", status: "SUCCEEDED" }]);
  });
});
