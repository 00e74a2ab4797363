/**
 * syncAlarms against a real PostgreSQL, CloudWatch mocked at the client:
 * what one sync stores (alarms, services, severity, history, incidents,
 * SyncRun), that a second sync with nothing new changes nothing and costs
 * two calls, and that an event newer than what a sync read is kept.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alarmArn, at, compositeAlarm, metricAlarm, serveFakeCloudWatch, stateUpdate, REGION } from "@/lib/testing/aws/fake-cloudwatch";
import { syncAlarms } from "@/lib/alarms/server/sync-alarms";
import { ALARM_TAG_SELECTOR_TYPE } from "@/lib/alarms/server/store-alarm-sync";
import { closeDb, db } from "@/lib/db";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";

let accountId: string;
let awsAccountId: number;
afterAll(closeDb);

beforeAll(async () => {
  accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  // Alarms named "…-sev3-…" are SEV3 by this account's naming rule.
  const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION], alarmSeverityPattern: "-(sev[1-4])-" }, select: { id: true } });
  awsAccountId = account.id;
});

describe("syncAlarms", () => {
  it("stores alarms with their service and severity, their history and incidents, and reads nothing twice", async () => {
    const web = await makeService();
    const ledger = await makeService();
    const selector = `tags:team=${uniqueSlug("payments")}`;
    await db.resourceMapping.create({ data: { serviceId: ledger.serviceId, resourceType: ALARM_TAG_SELECTOR_TYPE, arn: selector, source: "CATALOG_FILE", sourceDetail: "catalog-info.yaml" } });
    const [, team] = selector.slice(5).split("=");

    const arn = (name: string) => alarmArn(name, REGION, accountId);
    const names = { latency: uniqueSlug("web-latency"), queue: uniqueSlug("ledger-sev3-queue"), composite: uniqueSlug("web-down") };
    const client = new CloudWatchClient({ region: REGION });
    const stub = mockClient(client);
    const data = serveFakeCloudWatch(stub, {
      metricAlarms: [
        metricAlarm(names.latency, "OK", { AlarmArn: arn(names.latency), StateUpdatedTimestamp: at(30) }),
        metricAlarm(names.queue, "ALARM", { AlarmArn: arn(names.queue), StateUpdatedTimestamp: at(5) }),
      ],
      compositeAlarms: [compositeAlarm(names.composite, "OK", `ALARM("${names.latency}")`, { AlarmArn: arn(names.composite) })],
      history: [stateUpdate(names.latency, "OK", "ALARM", 10), stateUpdate(names.latency, "ALARM", "OK", 30), stateUpdate(names.queue, "OK", "ALARM", 5)],
      tags: {
        [arn(names.latency)]: { "portside:service": web.slug, "portside:severity": "SEV2" },
        [arn(names.queue)]: { team: team! },
        [arn(names.composite)]: { "portside:service": web.slug },
      },
    });

    const [first] = await syncAlarms({ accountId, createClient: () => client, tagRefreshRounds: 0, now: at(60) });
    expect(first).toMatchObject({ status: "SUCCEEDED", stored: { alarms: 3, createdAlarms: 3, transitions: 3, incidents: { created: 1, updated: 0 } } });
    const alarms = await db.alarm.findMany({ where: { awsAccountId }, select: { name: true, type: true, serviceId: true, severity: true, state: true }, orderBy: { name: "asc" } });
    expect(alarms).toEqual(
      [
        { name: names.latency, type: "METRIC", serviceId: web.serviceId, severity: "SEV2", state: "OK" },
        { name: names.queue, type: "METRIC", serviceId: ledger.serviceId, severity: "SEV3", state: "ALARM" },
        { name: names.composite, type: "COMPOSITE", serviceId: web.serviceId, severity: null, state: "OK" },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
    // The SEV2 alarm's episode is an incident of 20 minutes; the SEV3 one opens none.
    const incidents = await db.incident.findMany({ where: { serviceId: { in: [web.serviceId, ledger.serviceId] } }, select: { serviceId: true, openedAt: true, resolvedAt: true, status: true, source: true } });
    expect(incidents).toEqual([{ serviceId: web.serviceId, openedAt: at(10), resolvedAt: at(30), status: "RESOLVED", source: "cloudwatch" }]);
    expect(await db.resourceMapping.count({ where: { arn: arn(names.latency), source: "AWS_TAG", serviceId: web.serviceId } })).toBe(1);
    expect(await db.syncRun.findMany({ where: { awsAccountId }, select: { source: true, status: true, calls: true } })).toEqual([{ source: "CLOUDWATCH", status: "SUCCEEDED", calls: 0 }]);

    // Nothing new in AWS: DescribeAlarms and DescribeAlarmHistory only; nothing changes.
    stub.resetHistory();
    const [second] = await syncAlarms({ accountId, createClient: () => client, tagRefreshRounds: 0, now: at(60) });
    expect(stub.calls()).toHaveLength(2);
    expect(second?.stored).toMatchObject({ alarms: 3, createdAlarms: 0, transitions: 0, incidents: { created: 0, updated: 0 } });

    // The latency alarm is deleted in AWS: it leaves, keeping its history.
    data.metricAlarms.shift();
    await syncAlarms({ accountId, createClient: () => client, tagRefreshRounds: 0, now: at(60) });
    const gone = await db.alarm.findFirstOrThrow({ where: { name: names.latency }, select: { deletedAt: true, _count: { select: { transitions: true } } } });
    expect(gone.deletedAt).not.toBeNull();
    expect(gone._count.transitions).toBe(2);
  });

  it("opens the incident of an alarm already in ALARM when a severity tag makes it incident-worthy, from its transition time", async () => {
    // An account of its own: the history cursor of the shared one is past this alarm's transition.
    const ownAccountId = String(Math.floor(1e11 + Math.random() * 9e11));
    await db.awsAccount.create({ data: { accountId: ownAccountId, name: uniqueSlug("acct"), regions: [REGION] } });
    const web = await makeService();
    const name = uniqueSlug("checkout-5xx");
    const arn = alarmArn(name, REGION, ownAccountId);
    const client = new CloudWatchClient({ region: REGION });
    const data = serveFakeCloudWatch(mockClient(client), {
      metricAlarms: [metricAlarm(name, "ALARM", { AlarmArn: arn, StateUpdatedTimestamp: at(12) })],
      history: [stateUpdate(name, "OK", "ALARM", 12)],
      tags: { [arn]: { "portside:service": web.slug } },
    });
    // Every sync re-reads every alarm's tags (tagRefreshRounds 1), as the rotation eventually does.
    await syncAlarms({ accountId: ownAccountId, createClient: () => client, tagRefreshRounds: 1, now: at(20) });
    expect(await db.incident.count({ where: { serviceId: web.serviceId } })).toBe(0);

    // Someone tags the firing alarm SEV1; its configuration time does not move, and no new transition comes.
    data.tags![arn] = { "portside:service": web.slug, "portside:severity": "SEV1" };
    const [outcome] = await syncAlarms({ accountId: ownAccountId, createClient: () => client, tagRefreshRounds: 1, now: at(40) });
    expect(outcome?.stored?.incidents).toEqual({ created: 1, updated: 0 });
    const incidents = await db.incident.findMany({ where: { serviceId: web.serviceId }, select: { severity: true, status: true, openedAt: true, source: true } });
    expect(incidents).toEqual([{ severity: "SEV1", status: "OPEN", openedAt: at(12), source: "cloudwatch" }]);
  });

  it("keeps a state newer than the one the sync read", async () => {
    const name = uniqueSlug("api-errors");
    const arn = alarmArn(name, REGION, accountId);
    await db.alarm.create({ data: { awsAccountId, region: REGION, arn, name, state: "ALARM", stateReason: "from an event", stateUpdatedAt: at(50) } });
    const client = new CloudWatchClient({ region: REGION });
    serveFakeCloudWatch(mockClient(client), { metricAlarms: [metricAlarm(name, "OK", { AlarmArn: arn, StateUpdatedTimestamp: at(40) })] });
    await syncAlarms({ accountId, createClient: () => client, tagRefreshRounds: 0, now: at(60) });
    expect(await db.alarm.findFirstOrThrow({ where: { arn }, select: { state: true, stateReason: true } })).toEqual({ state: "ALARM", stateReason: "from an event" });
  });
});
