/**
 * The alarm collector against CloudWatch mocked at the client
 * (aws-sdk-client-mock, SDK-typed responses) for what it asks and how it
 * pages, and against real SDK clients answered at the HTTP level for
 * AssumeRole, adaptive retries on throttling, and call counting.
 */
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, ListTagsForResourceCommand } from "@aws-sdk/client-cloudwatch";
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from "@aws-sdk/nested-clients/sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ACCOUNT_ID, alarmArn, at, compositeAlarm, metricAlarm, REGION, serveFakeCloudWatch, stateUpdate } from "@/lib/testing/aws/fake-cloudwatch";
import { cloudWatchAlarmReader, HISTORY_OVERLAP_MS, syncAlarmRegion, type TAlarmRegionResult } from "@/lib/alarms/collect/sync-region";
import type { TStoredAlarm } from "@/lib/alarms/collect/types";
import { createAwsClientFactory, newSyncStats, type TAwsAccountRef } from "@/lib/aws/clients";
import { awsErrorReply, fakeJsonHandler, type TFakeReply, type TFakeRequest } from "@/lib/testing/aws/fake-http-handler";
import { readRegions, type TAwsAccountToSync } from "@/lib/aws/fan-out";

const client = new CloudWatchClient({ region: REGION });
const cw = mockClient(client);

beforeEach(() => cw.reset());

function storedOf(result: TAlarmRegionResult): Map<string, TStoredAlarm> {
  return new Map(result.alarms.map((a) => [a.arn, { arn: a.arn, configUpdatedAt: a.configUpdatedAt, tags: a.tags ?? {} }]));
}

const sync = (options: Partial<Parameters<typeof syncAlarmRegion>[0]> = {}) =>
  syncAlarmRegion({ client, accountId: ACCOUNT_ID, region: REGION, stats: newSyncStats(), tagRefreshRounds: 0, ...options });

describe("syncAlarmRegion", () => {
  it("pages through metric and composite alarms, 100 at a time, and reshapes both", async () => {
    const metricAlarms = Array.from({ length: 230 }, (_, i) => metricAlarm(`api-${String(i).padStart(3, "0")}`, i === 7 ? "ALARM" : "OK"));
    serveFakeCloudWatch(cw, {
      metricAlarms,
      compositeAlarms: [compositeAlarm("checkout-down", "ALARM", 'ALARM("api-007") AND ALARM("api-008")')],
    });
    const result = await sync();

    const calls = cw.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls.every((input) => input.MaxRecords === 100 && input.AlarmTypes?.join() === "MetricAlarm,CompositeAlarm")).toBe(true);
    // The paginator reuses one input object, so the tokens it sent cannot be read back; 231 alarms from pages of 100 say it followed them.
    expect(result.alarms).toHaveLength(231);
    expect(result.alarms[7]).toMatchObject({
      arn: alarmArn("api-007"),
      type: "METRIC",
      state: "ALARM",
      metricName: "CPUUtilization",
      namespace: "AWS/ECS",
      threshold: 80,
      comparison: "GreaterThanThreshold",
      dimensions: [{ name: "ServiceName", value: "api-007" }, { name: "ClusterName", value: "prod" }],
      definition: { period: 60, statistic: "Average", evaluationPeriods: 3 },
    });
    expect(result.alarms.at(-1)).toMatchObject({ name: "checkout-down", type: "COMPOSITE", state: "ALARM", metricName: null, definition: { alarmRule: 'ALARM("api-007") AND ALARM("api-008")' } });
  });

  it("reads metric math alarms' queries, so their metric can be charted", async () => {
    serveFakeCloudWatch(cw, {
      metricAlarms: [
        metricAlarm("error-rate", "OK", {
          MetricName: undefined,
          Namespace: undefined,
          Statistic: undefined,
          Dimensions: undefined,
          Period: undefined,
          Metrics: [
            { Id: "e", Expression: "100 * errors / requests", Label: "Error rate", ReturnData: true },
            { Id: "errors", MetricStat: { Metric: { Namespace: "AWS/ApplicationELB", MetricName: "HTTPCode_Target_5XX_Count", Dimensions: [{ Name: "LoadBalancer", Value: "app/web/1" }] }, Period: 60, Stat: "Sum" }, ReturnData: false },
            { Id: "requests", MetricStat: { Metric: { Namespace: "AWS/ApplicationELB", MetricName: "RequestCount", Dimensions: [{ Name: "LoadBalancer", Value: "app/web/1" }] }, Period: 60, Stat: "Sum" }, ReturnData: false },
          ],
        }),
      ],
    });
    const [alarm] = (await sync()).alarms;
    expect(alarm?.metricName).toBeNull();
    expect(alarm?.definition.metrics.map((m) => [m.id, m.expression, m.metricStat?.metricName ?? null, m.returnData])).toEqual([
      ["e", "100 * errors / requests", null, true],
      ["errors", null, "HTTPCode_Target_5XX_Count", false],
      ["requests", null, "RequestCount", false],
    ]);
  });

  it("reads the StateUpdate history from the stored cursor (with a small overlap) and tags only for new or changed alarms", async () => {
    const data = serveFakeCloudWatch(cw, {
      metricAlarms: [metricAlarm("api-latency", "ALARM", { StateUpdatedTimestamp: at(30) }), metricAlarm("api-errors", "OK")],
      history: [stateUpdate("api-latency", "OK", "ALARM", 10), stateUpdate("api-latency", "ALARM", "OK", 20), stateUpdate("api-latency", "OK", "ALARM", 30), stateUpdate("gone", "OK", "ALARM", 25)],
      tags: { [alarmArn("api-latency")]: { "portside:service": "web", "portside:severity": "SEV2" } },
    });
    const first = await sync();
    expect(cw.commandCalls(DescribeAlarmHistoryCommand)[0]?.args[0].input).toMatchObject({ HistoryItemType: "StateUpdate", ScanBy: "TimestampAscending", MaxRecords: 100 });
    expect(cw.commandCalls(DescribeAlarmHistoryCommand)[0]?.args[0].input.StartDate).toBeUndefined();
    // Entries of alarms that no longer exist are left out.
    expect(first.transitions.map((t) => [t.alarmName, t.fromState, t.toState, t.at.toISOString()])).toEqual([
      ["api-latency", "OK", "ALARM", at(10).toISOString()],
      ["api-latency", "ALARM", "OK", at(20).toISOString()],
      ["api-latency", "OK", "ALARM", at(30).toISOString()],
    ]);
    expect(first.historyThrough).toEqual(at(30));
    expect(first.alarms.map((a) => a.tags)).toEqual([{ "portside:service": "web", "portside:severity": "SEV2" }, {}]);
    expect(cw.commandCalls(ListTagsForResourceCommand)).toHaveLength(2);

    // Later: one new entry; api-errors' configuration changed.
    cw.resetHistory();
    data.history!.push(stateUpdate("api-errors", "OK", "ALARM", 40));
    data.metricAlarms[1] = metricAlarm("api-errors", "ALARM", { AlarmConfigurationUpdatedTimestamp: at(35), StateUpdatedTimestamp: at(40) });
    const second = await sync({ stored: storedOf(first), historyThrough: first.historyThrough });
    expect(cw.commandCalls(DescribeAlarmHistoryCommand)[0]?.args[0].input.StartDate).toEqual(new Date(at(30).getTime() - HISTORY_OVERLAP_MS));
    expect(second.transitions.map((t) => [t.alarmName, t.toState])).toEqual([
      ["api-latency", "ALARM"],
      ["api-errors", "ALARM"],
    ]);
    expect(second.historyThrough).toEqual(at(40));
    expect(cw.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceARN)).toEqual([alarmArn("api-errors")]);
    expect(second.alarms[0]?.tags).toBeNull();

    // Nothing new: one DescribeAlarms and one DescribeAlarmHistory call, no tags.
    cw.resetHistory();
    const third = await sync({ stored: storedOf(second), historyThrough: second.historyThrough });
    expect(cw.calls()).toHaveLength(2);
    expect(third.historyThrough).toEqual(at(40));
    expect(third.removedAlarms).toEqual([]);
  });

  it("re-reads a slice of alarms' tags each round, so that tags added without a configuration change are seen within a day", async () => {
    serveFakeCloudWatch(cw, { metricAlarms: Array.from({ length: 50 }, (_, i) => metricAlarm(`a-${i}`, "OK")) });
    const first = await sync();
    const stored = storedOf(first);
    let reads = 0;
    for (let round = 0; round < 10; round++) {
      cw.resetHistory();
      await sync({ stored, historyThrough: first.historyThrough, tagRefreshRounds: 10, intervalMinutes: 5, now: new Date(round * 5 * 60_000) });
      reads += cw.commandCalls(ListTagsForResourceCommand).length;
    }
    // Every alarm once over the ten rounds.
    expect(reads).toBe(50);
  });

  it("reports alarms gone from AWS, and keeps the rest when the history or one alarm's tags cannot be read", async () => {
    serveFakeCloudWatch(cw, { metricAlarms: [metricAlarm("kept", "OK"), metricAlarm("new", "OK")] });
    cw.on(DescribeAlarmHistoryCommand).rejects(Object.assign(new Error("User is not authorized to perform: cloudwatch:DescribeAlarmHistory"), { name: "AccessDenied" }));
    cw.on(ListTagsForResourceCommand, { ResourceARN: alarmArn("new") }).rejects(Object.assign(new Error("boom"), { name: "InternalServiceFault" }));
    const stored = new Map<string, TStoredAlarm>([
      [alarmArn("kept"), { arn: alarmArn("kept"), configUpdatedAt: at(-1000), tags: {} }],
      [alarmArn("deleted"), { arn: alarmArn("deleted"), configUpdatedAt: at(-1000), tags: {} }],
    ]);
    const result = await sync({ stored, historyThrough: at(0) });
    expect(result.removedAlarms).toEqual([alarmArn("deleted")]);
    expect(result.historyThrough).toBeNull();
    expect(result.failures.map((f) => f.alarm)).toEqual(["new", "(history)"]);
    // The new alarm is kept, untagged, with no configuration time: read again next time.
    expect(result.alarms.find((a) => a.name === "new")).toMatchObject({ tags: null, configUpdatedAt: null });
  });

  it("fails the region when the alarms cannot be listed", async () => {
    cw.on(DescribeAlarmsCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDenied" }));
    await expect(sync()).rejects.toMatchObject({ code: "UPSTREAM", message: `Could not list CloudWatch alarms in account ${ACCOUNT_ID}, region ${REGION}: DescribeAlarms AccessDenied: not authorized` });
  });
});

// Real clients, answered over HTTP (CloudWatch speaks AWS JSON 1.0).
const HOME: TAwsAccountToSync = { accountId: "111111111111", roleArn: null, externalId: null, regions: ["eu-west-1"] };
const MEMBER_A: TAwsAccountToSync = { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/portside-read", externalId: "ext-a", regions: ["eu-west-1"] };
const MEMBER_B: TAwsAccountToSync = { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/portside-read", externalId: "ext-b", regions: ["us-east-1"] };
const ACCOUNT_BY_KEY: Record<string, string> = { AKIAHOME: HOME.accountId, "ASIA-ext-a": MEMBER_A.accountId, "ASIA-ext-b": MEMBER_B.accountId };
const sts = mockClient(STSClient);

function cloudWatchOverHttp(request: TFakeRequest, attempt: number): TFakeReply {
  const accountId = ACCOUNT_BY_KEY[request.accessKeyId ?? ""] ?? "unknown";
  if (accountId === MEMBER_B.accountId) return awsErrorReply("AccessDenied", "User is not authorized to perform: cloudwatch:DescribeAlarms", 403);
  // Account A is throttled twice before its first answer.
  if (accountId === MEMBER_A.accountId && attempt <= 2) return awsErrorReply("Throttling", "Rate exceeded");
  switch (request.operation) {
    case "DescribeAlarms":
      return {
        body: {
          MetricAlarms: [
            { AlarmName: "cpu", AlarmArn: `arn:aws:cloudwatch:eu-west-1:${accountId}:alarm:cpu`, StateValue: "ALARM", StateUpdatedTimestamp: Date.parse("2026-11-02T10:00:00Z") / 1000, MetricName: "CPUUtilization", Namespace: "AWS/EC2", Threshold: 80 },
          ],
          CompositeAlarms: [],
        },
      };
    case "DescribeAlarmHistory":
      return { body: { AlarmHistoryItems: [] } };
    case "ListTagsForResource":
      return { body: { Tags: [{ Key: "portside:service", Value: "web" }] } };
    default:
      return awsErrorReply("UnknownOperationException", request.operation);
  }
}

describe("readRegions with the CloudWatch alarm reader", () => {
  beforeEach(() => {
    sts.reset();
    sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => ({
      Credentials: { AccessKeyId: `ASIA-${input.ExternalId}`, SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(Date.now() + 3600_000) },
    }));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => vi.useRealTimers());

  async function settle<T>(promise: Promise<T>): Promise<T> {
    let isDone = false;
    promise.then(
      () => (isDone = true),
      () => (isDone = true),
    );
    while (!isDone) await vi.advanceTimersByTimeAsync(250);
    return promise;
  }

  it("assumes member roles, retries throttled calls, isolates a failing account, and counts calls, throttles and errors", async () => {
    const attempts = new Map<string, number>();
    const fake = fakeJsonHandler((request) => {
      const key = request.accessKeyId ?? "";
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      return cloudWatchOverHttp(request, attempts.get(key) ?? 0);
    });
    const factory = createAwsClientFactory({ homeCredentials: async () => ({ accessKeyId: "AKIAHOME", secretAccessKey: "s" }), requestHandler: fake.handler });
    const createClient = (account: TAwsAccountRef, region: string, stats: ReturnType<typeof newSyncStats>) => factory.create(CloudWatchClient, { account, region, stats });

    const outcomes = await settle(readRegions([HOME, MEMBER_A, MEMBER_B], cloudWatchAlarmReader, { createClient, tuning: { tagRefreshRounds: 0 } }));
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => [c.args[0].input.RoleArn, c.args[0].input.ExternalId])).toEqual([
      [MEMBER_A.roleArn, "ext-a"],
      [MEMBER_B.roleArn, "ext-b"],
    ]);
    expect(outcomes.map(({ accountId, status, error, stats }) => ({ accountId, status, error, stats }))).toEqual([
      // DescribeAlarms, ListTagsForResource (a new alarm), DescribeAlarmHistory.
      { accountId: HOME.accountId, status: "SUCCEEDED", error: undefined, stats: { calls: 3, throttles: 0, errors: 0 } },
      { accountId: MEMBER_A.accountId, status: "SUCCEEDED", error: undefined, stats: { calls: 5, throttles: 2, errors: 0 } },
      {
        accountId: MEMBER_B.accountId,
        status: "FAILED",
        error: `Could not list CloudWatch alarms in account ${MEMBER_B.accountId}, region us-east-1: DescribeAlarms HTTP 403 AccessDenied: User is not authorized to perform: cloudwatch:DescribeAlarms`,
        stats: { calls: 1, throttles: 0, errors: 1 },
      },
    ]);
    expect(outcomes[1]?.result?.alarms.map((a) => [a.name, a.state, a.tags])).toEqual([["cpu", "ALARM", { "portside:service": "web" }]]);
  });
});
