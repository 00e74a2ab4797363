import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getMetrics } from "@/app/api/alarms/[id]/metrics/route";
import { GET as getBoard } from "@/app/api/alarms/route";
import type { TAlarmBoardPage, TAlarmMetrics } from "@/lib/alarms/alarm-board";
import { closeDb, db } from "@/lib/db";
import { makeService, uniqueSlug } from "@/lib/testing/fixtures";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

let cookie: string;
let teamSlug: string;
const ids: Record<string, number> = {};
// Every CloudWatch client the portal makes, answered here (as the e2e portal does).
const cloudwatch = mockClient(CloudWatchClient);

beforeAll(async () => {
  const { teamId, serviceId } = await makeService();
  teamSlug = (await db.team.findUniqueOrThrow({ where: { id: teamId } })).slug;
  const accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  const account = await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: ["eu-west-1"] } });
  const make = async (name: string, state: "OK" | "ALARM" | "INSUFFICIENT_DATA", minutesAgo: number, severity: "SEV1" | "SEV3" | null) => {
    const alarm = await db.alarm.create({
      data: {
        awsAccountId: account.id,
        region: "eu-west-1",
        arn: `arn:aws:cloudwatch:eu-west-1:${accountId}:alarm:${name}`,
        name: `${name}-${accountId}`,
        serviceId,
        severity,
        state,
        stateReason: `${state} because`,
        stateUpdatedAt: new Date(Date.now() - minutesAgo * 60_000),
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        dimensions: [{ name: "ServiceName", value: name }],
        threshold: 80,
        comparison: "GreaterThanThreshold",
        definition: { period: 60, statistic: "Average", unit: null, evaluationPeriods: 3, datapointsToAlarm: null, treatMissingData: null, metrics: [], thresholdMetricId: null, alarmRule: null },
      },
    });
    ids[name] = alarm.id;
  };
  await make("ok-new", "OK", 1, null);
  await make("alarm-old", "ALARM", 120, "SEV3");
  await make("nodata", "INSUFFICIENT_DATA", 5, null);
  await make("alarm-new", "ALARM", 3, "SEV1");
  await db.deployment.create({ data: { serviceId, environment: "production", status: "SUCCEEDED", startedAt: new Date(Date.now() - 50 * 60_000), finishedAt: new Date(Date.now() - 45 * 60_000), version: "v9", source: "test", externalId: uniqueSlug("d") } });
  cookie = await sessionCookie((await makeUser("VIEWER")).email);
});
afterAll(closeDb);

async function board(query: string, headers: Record<string, string> = { cookie }) {
  const response = await getBoard(new Request(`${TEST_ORIGIN}/api/alarms?${query}`, { headers }), { params: Promise.resolve({}) });
  return { status: response.status, body: (await response.json()) as TAlarmBoardPage };
}

describe("GET /api/alarms", () => {
  it("lists ALARM first (newest first), then INSUFFICIENT_DATA, then OK, with counts, and filters", async () => {
    const { status, body } = await board(`team=${teamSlug}`);
    expect(status).toBe(200);
    expect(body.alarms.map((a) => a.name.split("-").slice(0, -1).join("-"))).toEqual(["alarm-new", "alarm-old", "nodata", "ok-new"]);
    expect(body.counts).toEqual({ alarm: 2, insufficient_data: 1, ok: 1 });
    expect(body.alarms[0]).toMatchObject({ state: "alarm", severity: "SEV1", condition: "AWS/ECS CPUUtilization > 80", stateReason: "ALARM because" });
    expect(body.alarms[0]?.consoleUrl).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#alarmsV2:alarm\//);

    expect((await board(`team=${teamSlug}&state=alarm&severity=SEV3`)).body.alarms.map((a) => a.id)).toEqual([ids["alarm-old"]]);
    expect((await board(`team=${teamSlug}&severity=none`)).body.total).toBe(2);
    expect((await board(`team=${teamSlug}&q=nodata`)).body.alarms.map((a) => a.id)).toEqual([ids.nodata]);
  });

  it("refuses a bad filter and an anonymous caller", async () => {
    expect((await board("state=burning")).status).toBe(400);
    expect((await board("", {})).status).toBe(401);
  });
});

describe("GET /api/alarms/{id}/metrics", () => {
  it("reads the alarm's metric from CloudWatch once a minute, with the threshold and the service's deployments", async () => {
    cloudwatch.reset();
    cloudwatch.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries?: { Id?: string }[]; StartTime?: Date }) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({ Id: q.Id, Label: "CPUUtilization", Timestamps: [input.StartTime!], Values: [42], StatusCode: "Complete" })),
    }));
    const get = (id: number, query = "window=3h") =>
      getMetrics(new Request(`${TEST_ORIGIN}/api/alarms/${id}/metrics?${query}`, { headers: { cookie } }), { params: Promise.resolve({ id: String(id) }) });
    const response = await get(ids["alarm-new"]!);
    expect(response.status).toBe(200);
    const body = (await response.json()) as TAlarmMetrics;
    expect(body).toMatchObject({ window: "3h", period: 60, threshold: 80, label: "CPUUtilization", status: "Complete" });
    expect(body.points).toHaveLength(1);
    expect(body.deployments.map((d) => d.version)).toEqual(["v9"]);
    const [call] = cloudwatch.commandCalls(GetMetricDataCommand);
    expect(call?.args[0].input.MetricDataQueries?.[0]?.MetricStat).toMatchObject({ Metric: { Namespace: "AWS/ECS", MetricName: "CPUUtilization" }, Period: 60, Stat: "Average" });

    // Cached: a second look within the minute does not call CloudWatch again.
    expect((await get(ids["alarm-new"]!)).status).toBe(200);
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);

    expect((await get(ids["alarm-new"]!, "window=1y")).status).toBe(400);
    expect((await get(99_999_999)).status).toBe(404);
  });
});
