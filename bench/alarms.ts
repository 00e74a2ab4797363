/**
 * bench/alarms — the time and AWS calls of a first and an incremental
 * CloudWatch alarm sync of 5,000 alarms with 100,000 history entries,
 * database writes (and the incidents they open) included, into a fresh,
 * durable PostgreSQL; then the alarm board's render time over HTTP against
 * the production build, as bench/board does.
 *
 *   npm run bench:alarms [-- --alarms 5000 --history 100000 --latency-ms 0 --requests 20 --no-board]
 *
 * AWS is an in-memory CloudWatch behind real SDK clients (the HTTP handler of
 * lib/testing/aws/fake-http-handler.ts, AWS JSON 1.0): requests are signed, retried
 * and counted exactly as against AWS, minus the network.
 * Goal: an incremental sync with nothing new costs one DescribeAlarms pass
 * (one call per 100 alarms) and one DescribeAlarmHistory call, and no tags.
 */
import { createHmac, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { syncAlarms, type TSyncAlarmsOptions as TSyncAllAlarmsOptions, type TSyncAlarmsOutcome } from "../lib/alarms/server/sync-alarms";
import { createAwsClientFactory } from "../lib/aws/clients";
import { awsErrorReply, fakeJsonHandler, type TFakeReply, type TFakeRequest } from "../lib/testing/aws/fake-http-handler";
import { closeDb, getPool } from "../lib/db";
import { BENCH_AUTH_SECRET, startPortal } from "./server";

const { values } = parseArgs({
  options: {
    alarms: { type: "string", default: "5000" },
    history: { type: "string", default: "100000" },
    "latency-ms": { type: "string", default: "0" },
    requests: { type: "string", default: "20" },
    "no-board": { type: "boolean", default: false },
  },
});
const ALARMS = Number(values.alarms);
const HISTORY = Number(values.history);
const LATENCY_MS = Number(values["latency-ms"]);
const REQUESTS = Number(values.requests);
const REGION = "eu-west-1";
const NOW = Date.now();
const DAY = 86_400_000;
const PAGE = 100;

const run = randomBytes(3).toString("hex");
const accountId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
const pool = getPool();

// The catalog: 50 services of one team; every alarm tagged with one of them.
const { rows: team } = await pool.query<{ id: number }>(`INSERT INTO "Team" (slug, name, "updatedAt") VALUES ($1, 'Bench', now()) RETURNING id`, [`bench-${run}`]);
const services = Array.from({ length: 50 }, (_, i) => `bench-${run}-svc-${i}`);
await pool.query(`INSERT INTO "Service" (slug, name, "teamId", "updatedAt") SELECT s, s, $2, now() FROM unnest($1::text[]) AS s`, [services, team[0]!.id]);
await pool.query(`INSERT INTO "AwsAccount" ("accountId", name, regions, "updatedAt") VALUES ($1, 'bench', $2, now())`, [accountId, [REGION]]);

// The world: alarms (one in 20 composite; one in 10 SEV2, so it opens incidents) and their StateUpdate history over 30 days, oldest first.
interface TWorldAlarm {
  name: string;
  arn: string;
  isComposite: boolean;
  service: string;
  severity: string;
  state: "OK" | "ALARM";
  stateAt: number;
}
const world: TWorldAlarm[] = Array.from({ length: ALARMS }, (_, i) => ({
  name: `bench-${run}-${String(i).padStart(5, "0")}`,
  arn: `arn:aws:cloudwatch:${REGION}:${accountId}:alarm:bench-${run}-${String(i).padStart(5, "0")}`,
  isComposite: i % 20 === 19,
  service: services[i % services.length]!,
  severity: i % 10 === 0 ? "SEV2" : "SEV4",
  state: "OK",
  stateAt: NOW - 30 * DAY,
}));
const byArn = new Map(world.map((a) => [a.arn, a]));
interface THistoryItem {
  AlarmName: string;
  AlarmType: string;
  Timestamp: number;
  HistoryItemType: "StateUpdate";
  HistorySummary: string;
  HistoryData: string;
}
const history: THistoryItem[] = [];
function transition(alarm: TWorldAlarm, at: number) {
  const from = alarm.state;
  const to = from === "OK" ? "ALARM" : "OK";
  alarm.state = to;
  alarm.stateAt = at;
  history.push({
    AlarmName: alarm.name,
    AlarmType: alarm.isComposite ? "CompositeAlarm" : "MetricAlarm",
    Timestamp: at / 1000,
    HistoryItemType: "StateUpdate",
    HistorySummary: `Alarm updated from ${from} to ${to}`,
    HistoryData: JSON.stringify({ version: "1.0", oldState: { stateValue: from }, newState: { stateValue: to, stateReason: `Threshold Crossed: went ${to}` } }),
  });
}
const step = (29 * DAY) / HISTORY;
for (let h = 0; h < HISTORY; h++) transition(world[h % ALARMS]!, NOW - 30 * DAY + h * step);

function alarmBody(a: TWorldAlarm) {
  const common = {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmConfigurationUpdatedTimestamp: (NOW - 60 * DAY) / 1000,
    StateValue: a.state,
    StateReason: `Threshold Crossed: ${a.state}`,
    StateUpdatedTimestamp: a.stateAt / 1000,
    StateTransitionedTimestamp: a.stateAt / 1000,
  };
  return a.isComposite
    ? { ...common, AlarmRule: `ALARM("${world[0]!.name}")` }
    : { ...common, MetricName: "CPUUtilization", Namespace: "AWS/ECS", Statistic: "Average", Period: 60, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: "GreaterThanThreshold", Dimensions: [{ Name: "ServiceName", Value: a.service }] };
}

function cloudWatch(request: TFakeRequest): TFakeReply {
  const { input } = request;
  const start = typeof input.NextToken === "string" ? Number(input.NextToken) : 0;
  const size = Math.min(Number(input.MaxRecords ?? PAGE), PAGE);
  switch (request.operation) {
    case "DescribeAlarms": {
      const items = world.slice(start, start + size);
      return {
        body: {
          MetricAlarms: items.filter((a) => !a.isComposite).map(alarmBody),
          CompositeAlarms: items.filter((a) => a.isComposite).map(alarmBody),
          NextToken: start + size < world.length ? String(start + size) : undefined,
        },
      };
    }
    case "DescribeAlarmHistory": {
      const from = typeof input.StartDate === "number" ? input.StartDate : Number.NEGATIVE_INFINITY;
      const matching = history.filter((h) => h.Timestamp >= from);
      return { body: { AlarmHistoryItems: matching.slice(start, start + size), NextToken: start + size < matching.length ? String(start + size) : undefined } };
    }
    case "ListTagsForResource": {
      const alarm = byArn.get(String(input.ResourceARN));
      if (!alarm) return awsErrorReply("ResourceNotFoundException", "no such alarm");
      return { body: { Tags: [{ Key: "portside:service", Value: alarm.service }, { Key: "portside:severity", Value: alarm.severity }] } };
    }
    default:
      return awsErrorReply("UnknownOperationException", request.operation);
  }
}

const fake = fakeJsonHandler(async (request) => {
  if (LATENCY_MS > 0) await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
  return cloudWatch(request);
});
const requestHandler: typeof fake.handler = {
  ...fake.handler,
  handle(request) {
    if (request.body instanceof Uint8Array) request.body = new TextDecoder().decode(request.body);
    return fake.handler.handle(request);
  },
};
const factory = createAwsClientFactory({ homeCredentials: async () => ({ accessKeyId: "AKIABENCH", secretAccessKey: "bench" }), requestHandler });
const createClient: NonNullable<TSyncAllAlarmsOptions["createClient"]> = (account, region, stats) => factory.create(CloudWatchClient, { account, region, stats });

function callsByOperation(since: number): string {
  const counts = new Map<string, number>();
  for (const r of fake.requests.slice(since)) counts.set(r.operation, (counts.get(r.operation) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${op} ${n.toLocaleString("en")}`).join(", ");
}

async function timedSync(label: string): Promise<{ outcome: TSyncAlarmsOutcome; seconds: number; calls: number }> {
  const since = fake.requests.length;
  const started = performance.now();
  const [outcome] = await syncAlarms({ accountId, createClient, tagRefreshRounds: 0 });
  const seconds = (performance.now() - started) / 1000;
  if (!outcome || outcome.status !== "SUCCEEDED") throw new Error(`${label}: ${outcome?.status}: ${outcome?.error}`);
  const calls = fake.requests.length - since;
  const stored = outcome.stored!;
  console.log(`  ${label.padEnd(38)} ${seconds.toFixed(2).padStart(7)} s  ${calls.toLocaleString("en").padStart(7)} AWS calls (${outcome.stats.throttles} throttled)`);
  console.log(`  ${"".padEnd(38)} ${callsByOperation(since)}`);
  console.log(
    `  ${"".padEnd(38)} wrote ${stored.alarms.toLocaleString("en")} alarms (${stored.createdAlarms.toLocaleString("en")} new), ${stored.transitions.toLocaleString("en")} transitions, ` +
      `${stored.incidents.created.toLocaleString("en")} incidents opened, ${stored.incidents.updated.toLocaleString("en")} updated`,
  );
  return { outcome, seconds, calls };
}

console.log(`alarms benchmark: ${ALARMS.toLocaleString("en")} alarms, ${HISTORY.toLocaleString("en")} history entries, one account × region, fake CloudWatch (${LATENCY_MS} ms per call), durable PostgreSQL`);
await timedSync("first sync");
const incremental = await timedSync("incremental sync, nothing new");
for (const alarm of world.slice(0, 10)) transition(alarm, Date.now());
await timedSync("incremental sync, 10 state changes");
const goal = Math.ceil(ALARMS / PAGE) + 1;
console.log(
  `  goal: an incremental sync with nothing new costs ${Math.ceil(ALARMS / PAGE)} DescribeAlarms pages + 1 DescribeAlarmHistory call = ${goal} calls: ` +
    (incremental.calls === goal ? "met" : `NOT MET (${incremental.calls.toLocaleString("en")})`),
);

if (!values["no-board"]) {
  // A session for an admin, signed the way better-auth signs its cookie (as bench/board does).
  const sessionToken = randomBytes(24).toString("base64url");
  const { rows: admin } = await pool.query<{ id: number }>(
    `INSERT INTO "User" (email, name, "emailVerified", "orgRole", "updatedAt") VALUES ($1, 'Bench', true, 'ADMIN', now())
     ON CONFLICT (email) DO UPDATE SET "orgRole" = 'ADMIN' RETURNING id`,
    [`bench-${run}@example.org`],
  );
  await pool.query(`INSERT INTO "Session" (token, "userId", "expiresAt", "createdAt", "updatedAt") VALUES ($1, $2, now() + interval '1 day', now(), now())`, [sessionToken, admin[0]!.id]);
  const cookie = `__Secure-portside.session_token=${encodeURIComponent(`${sessionToken}.${createHmac("sha256", BENCH_AUTH_SECRET).update(sessionToken).digest("base64")}`)}`;
  const portal = await startPortal();
  const time = async (path: string) => {
    const started = performance.now();
    const response = await fetch(`${portal.baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status} ${body.slice(0, 300)}`);
    return { ms: performance.now() - started, bytes: body.length };
  };
  const summary = (samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return `median ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms`;
  };
  try {
    const cases = [
      ["GET /api/alarms (JSON, 200 rows + counts)", "/api/alarms"],
      ["GET /api/alarms?state=alarm", "/api/alarms?state=alarm"],
      ["GET /api/alarms?q=00042", "/api/alarms?q=00042"],
      ["/alarms (server render, page 1 of 200 rows)", "/alarms"],
      ["/alarms?severity=SEV2&page=2", "/alarms?severity=SEV2&page=2"],
    ] as const;
    for (const [, path] of cases) await time(path);
    const { rows: counts } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Alarm"`);
    console.log(`board: ${counts[0]!.n.toLocaleString("en")} alarms stored; ${REQUESTS} requests each, one at a time`);
    for (const [label, path] of cases) {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const r = await time(path);
        samples.push(r.ms);
        bytes = r.bytes;
      }
      console.log(`  ${label.padEnd(52)} ${summary(samples)}  (${Math.round(bytes / 1024)} KiB)`);
    }
  } finally {
    portal.stop();
  }
}
await closeDb();
