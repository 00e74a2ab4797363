/**
 * A sequence of real-shaped "CloudWatch Alarm State Change" events through
 * POST /api/events/aws, delivered with duplicates and out of order: the
 * alarm ends in its newest state, each transition is recorded once, and the
 * incidents (with their durations) come out the same whatever the order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/events/aws/route";
import { closeDb, db } from "@/lib/db";
import { ZDoraQuerySchema } from "@/lib/dora/schemas";
import { getDoraSummary } from "@/lib/dora/server/get-dora-summary";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";

const REGION = "eu-west-1";
let accountId: string;
let token: string;

beforeAll(async () => {
  accountId = String(Math.floor(1e11 + Math.random() * 9e11));
  await db.awsAccount.create({ data: { accountId, name: uniqueSlug("acct"), regions: [REGION] } });
  ({ token } = await makeToken(["ingest"]));
});
afterAll(closeDb);

const MIN = 60_000;
const T0 = Date.parse("2026-11-02T10:00:00Z");
/** CloudWatch's own timestamp format in alarm events. */
const cwTime = (minute: number) => new Date(T0 + minute * MIN + 123).toISOString().replace("Z", "+0000");

function stateChange(run: string, alarmName: string, n: number, from: string, to: string, minute: number) {
  const arn = `arn:aws:cloudwatch:${REGION}:${accountId}:alarm:${alarmName}`;
  return {
    version: "0",
    id: `${run}-${n}`,
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: accountId,
    time: new Date(T0 + minute * MIN + 900).toISOString().replace(/\.\d+Z$/, "Z"),
    region: REGION,
    resources: [arn],
    detail: {
      alarmName,
      state: { value: to, reason: `Threshold Crossed: went ${to} at minute ${minute}`, reasonData: '{"version":"1.0"}', timestamp: cwTime(minute) },
      previousState: { value: from, reason: `was ${from}`, timestamp: cwTime(minute - 1) },
      configuration: {
        description: "5xx rate above 5% for 3 minutes",
        metrics: [{ id: "m1", metricStat: { metric: { namespace: "AWS/ApplicationELB", name: "HTTPCode_Target_5XX_Count", dimensions: { LoadBalancer: "app/web/1" } }, period: 60, stat: "Sum" }, returnData: true }],
      },
    },
  };
}

async function post(events: unknown[]) {
  const response = await POST(
    new Request("http://portside.test/api/events/aws", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(events) }),
    { params: Promise.resolve({}) },
  );
  return { status: response.status, body: (await response.json()) as { applied: number; duplicates: number; ignored: number } };
}

/** An alarm that opens an incident (SEV1 of a service), with a production deployment 20 minutes before it first fires. */
async function incidentWorthyAlarm(name: string) {
  const service = await makeService();
  const account = await db.awsAccount.findUniqueOrThrow({ where: { accountId }, select: { id: true } });
  const deployment = await db.deployment.create({
    data: { serviceId: service.serviceId, environment: "production", status: "SUCCEEDED", startedAt: new Date(T0 - 30 * MIN), finishedAt: new Date(T0 - 20 * MIN), source: "test", externalId: uniqueSlug("dep") },
  });
  await db.alarm.create({
    data: {
      awsAccountId: account.id,
      region: REGION,
      arn: `arn:aws:cloudwatch:${REGION}:${accountId}:alarm:${name}`,
      name,
      serviceId: service.serviceId,
      severity: "SEV1",
      state: "OK",
      stateUpdatedAt: new Date(T0 - 60 * MIN),
    },
  });
  return { service, deployment };
}

async function outcome(name: string) {
  const alarm = await db.alarm.findFirstOrThrow({
    where: { name },
    select: { state: true, stateReason: true, stateUpdatedAt: true, transitions: { select: { fromState: true, toState: true, at: true }, orderBy: { at: "asc" } } },
  });
  const incidents = await db.incident.findMany({
    where: { alarms: { some: { alarm: { name } } } },
    select: { status: true, openedAt: true, resolvedAt: true, source: true, deploymentId: true, attributionSource: true, severity: true, events: { select: { kind: true }, orderBy: { id: "asc" } } },
    orderBy: { openedAt: "asc" },
  });
  return {
    state: alarm.state,
    stateUpdatedAt: alarm.stateUpdatedAt.toISOString(),
    transitions: alarm.transitions.map((t) => `${t.fromState}→${t.toState}@${(t.at.getTime() - T0) / MIN}`),
    incidents: incidents.map((i) => ({
      status: i.status,
      openedMinute: Math.round((i.openedAt.getTime() - T0) / MIN),
      durationMinutes: i.resolvedAt ? Math.round((i.resolvedAt.getTime() - i.openedAt.getTime()) / MIN) : null,
      source: i.source,
      severity: i.severity,
      deploymentId: i.deploymentId,
      attributionSource: i.attributionSource,
      kinds: i.events.map((e) => e.kind),
    })),
  };
}

describe("CloudWatch alarm state change events", () => {
  it("leave the newest state, each transition once, and one incident per episode (flapping included) whatever the delivery order", async () => {
    // Fires at 0, recovers at 10, flaps back at 18 (within the 15-minute quiet period), recovers at 30; fires again at 90 and is still firing.
    const sequence = (run: string, name: string) => [
      stateChange(run, name, 1, "OK", "ALARM", 0),
      stateChange(run, name, 2, "ALARM", "OK", 10),
      stateChange(run, name, 3, "OK", "ALARM", 18),
      stateChange(run, name, 4, "ALARM", "OK", 30),
      stateChange(run, name, 5, "OK", "ALARM", 90),
    ];
    const results = [];
    for (const [order, arrange] of [
      ["in order", (events: unknown[]) => events],
      ["reversed, each twice", (events: unknown[]) => [...events].reverse().flatMap((e) => [e, e])],
      ["shuffled", (events: unknown[]) => [events[3], events[0], events[4], events[1], events[2]]],
    ] as const) {
      const name = uniqueSlug("web-5xx");
      const { deployment } = await incidentWorthyAlarm(name);
      const events = arrange(sequence(uniqueSlug("run"), name));
      // One request per event, as EventBridge sends them, and a replay of the lot.
      for (const event of events) {
        const r = await post([event]);
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
      const replay = await post(events);
      expect(replay.body).toMatchObject({ applied: 0, duplicates: events.length });
      const result = await outcome(name);
      expect(result.incidents.every((i) => i.deploymentId === deployment.id)).toBe(true);
      results.push({ order, ...result, incidents: result.incidents.map((i) => ({ ...i, deploymentId: "the rule's" })) });
    }
    const [first, ...others] = results;
    expect(first).toMatchObject({
      state: "ALARM",
      stateUpdatedAt: new Date(T0 + 90 * MIN + 123).toISOString(),
      transitions: ["OK→ALARM@0.00205", "ALARM→OK@10.00205", "OK→ALARM@18.00205", "ALARM→OK@30.00205", "OK→ALARM@90.00205"],
      incidents: [
        { status: "RESOLVED", openedMinute: 0, durationMinutes: 30, source: "cloudwatch", severity: "SEV1", attributionSource: "RULE", kinds: expect.arrayContaining(["opened", "resolved"]) },
        // Attributed to the same deployment: it finished 110 minutes before, within the 24-hour window.
        { status: "OPEN", openedMinute: 90, durationMinutes: null, source: "cloudwatch", severity: "SEV1", attributionSource: "RULE" },
      ],
    });
    for (const other of others) {
      // The timeline may differ by order (a late earlier transition moves the opening), the incidents may not.
      const withoutTimeline = (r: typeof other) => ({ ...r, order: "", incidents: r.incidents.map((i) => ({ ...i, kinds: [] })) });
      expect(withoutTimeline(other)).toEqual(withoutTimeline(first!));
    }
  });

  it("give DORA the right recovery time: one incident from a flapping alarm, attributed to the deployment before it, delivered out of order and twice", async () => {
    const name = uniqueSlug("checkout-5xx");
    const { service, deployment } = await incidentWorthyAlarm(name);
    const run = uniqueSlug("run");
    // Fires at 0, recovers at 10, flaps back at 18 (within the quiet period), recovers for good at 30.
    const events = [
      stateChange(run, name, 1, "OK", "ALARM", 0),
      stateChange(run, name, 2, "ALARM", "OK", 10),
      stateChange(run, name, 3, "OK", "ALARM", 18),
      stateChange(run, name, 4, "ALARM", "OK", 30),
    ];
    for (const event of [events[2], events[3], events[0], events[3], events[1], events[0]]) expect((await post([event])).status).toBe(200);

    const summary = await getDoraSummary({ query: ZDoraQuerySchema.parse({ service: service.slug, from: "2026-11-01", to: "2026-11-03" }) });
    const m = summary.current;
    expect(m.deploymentFrequency.deployments).toBe(1);
    // The deployment 20 minutes before the alarm fired is a change failure through the incident the alarm opened…
    expect(m.changeFailRate).toMatchObject({ numerator: 1, deployments: 1, value: 1 });
    // …recovered 30 minutes after the incident began (the flap at 18 is the same incident), to the second.
    expect(m.recoveryTime).toMatchObject({ median: 30 * 60, sampleSize: 1, unrecovered: 0 });
    const incidents = await db.incident.findMany({ where: { alarms: { some: { alarm: { name } } } }, select: { deploymentId: true } });
    expect(incidents).toEqual([{ deploymentId: deployment.id }]);
  });

  it("open no second incident for an episode that an incident from another tool, linked to the alarm, already covers", async () => {
    const name = uniqueSlug("web-latency");
    const { service } = await incidentWorthyAlarm(name);
    const alarm = await db.alarm.findFirstOrThrow({ where: { name }, select: { id: true } });
    const paged = await db.incident.create({
      data: { serviceId: service.serviceId, title: "Paged: latency", severity: "SEV1", openedAt: new Date(T0 + 1 * MIN), source: "pagerduty", externalId: uniqueSlug("pd"), alarms: { create: { alarmId: alarm.id } } },
    });
    const run = uniqueSlug("run");
    await post([stateChange(run, name, 1, "OK", "ALARM", 0), stateChange(run, name, 2, "ALARM", "OK", 10)]);
    const incidents = await db.incident.findMany({ where: { alarms: { some: { alarmId: alarm.id } } }, select: { id: true, openedAt: true, resolvedAt: true } });
    // The tool's incident keeps its own times: it is the tool's to resolve.
    expect(incidents).toEqual([{ id: paged.id, openedAt: new Date(T0 + 1 * MIN), resolvedAt: null }]);
  });

  it("create an alarm first heard of through an event, and open no incident for an alarm that is not incident-worthy", async () => {
    const name = uniqueSlug("unknown-alarm");
    const response = await post([stateChange(uniqueSlug("run"), name, 1, "OK", "ALARM", 5)]);
    expect(response.body).toMatchObject({ applied: 1 });
    const alarm = await db.alarm.findFirstOrThrow({ where: { name }, select: { state: true, metricName: true, namespace: true, description: true, _count: { select: { incidents: true, transitions: true } } } });
    expect(alarm).toEqual({ state: "ALARM", metricName: "HTTPCode_Target_5XX_Count", namespace: "AWS/ApplicationELB", description: "5xx rate above 5% for 3 minutes", _count: { incidents: 0, transitions: 1 } });
  });

  it("refuses a state timestamp that is not one, naming the field", async () => {
    const event = stateChange(uniqueSlug("run"), "x", 1, "OK", "ALARM", 0);
    (event.detail.state as { timestamp: string }).timestamp = "yesterday";
    const response = await post([event]);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain("0.detail.state.timestamp");
  });
});
