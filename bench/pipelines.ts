/**
 * bench/pipelines — the time and AWS calls of a first and an incremental
 * CodePipeline sync of 1,000 pipelines × 100 executions, database writes
 * included, into a fresh, durable PostgreSQL (fsync on).
 *
 *   npm run bench:pipelines [-- --pipelines 1000 --executions 100 --latency-ms 0]
 *
 * AWS is an in-memory CodePipeline behind real SDK clients (the HTTP handler
 * of lib/testing/aws/fake-http-handler.ts): requests are signed, retried and counted
 * exactly as against AWS, minus the network (--latency-ms adds some).
 * Goal (issue 4): an incremental sync with nothing new costs one list pass
 * plus one state call per pipeline.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { createAwsClientFactory, newSyncStats } from "../lib/aws/clients";
import { fakeJsonHandler, awsErrorReply, type TFakeReply, type TFakeRequest } from "../lib/testing/aws/fake-http-handler";
import { closeDb, getPool } from "../lib/db";
import { syncRegion } from "../lib/pipelines/collect/sync-region";
import { loadStoredPipelines } from "../lib/pipelines/server/load-stored-pipelines";
import { storeRegionSync } from "../lib/pipelines/server/store-region-sync";
import { syncPipelines, type TSyncPipelinesOptions as TSyncAllOptions, type TSyncPipelinesOutcome } from "../lib/pipelines/server/sync-pipelines";
import { drainDoraQueue } from "../lib/dora/server/refresh-dora-facts";

const { values } = parseArgs({
  options: {
    pipelines: { type: "string", default: "1000" },
    executions: { type: "string", default: "100" },
    "latency-ms": { type: "string", default: "0" },
  },
});
const PIPELINES = Number(values.pipelines);
const EXECUTIONS = Number(values.executions);
const LATENCY_MS = Number(values["latency-ms"]);
const REGION = "eu-west-1";
const STAGES = ["Source", "Build", "Production"] as const;
const FAIL_EVERY = 20; // 5% of executions fail in production: each needs ListActionExecutions on a first sync.
const T0 = Date.parse("2026-06-01T00:00:00Z") / 1000;

const run = randomBytes(3).toString("hex");
const accountId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
const pool = getPool();

// The catalog: 50 services; each pipeline is tagged with one of them.
const { rows: team } = await pool.query<{ id: number }>(`INSERT INTO "Team" (slug, name, "updatedAt") VALUES ($1, 'Bench', now()) RETURNING id`, [`bench-${run}`]);
const services = Array.from({ length: 50 }, (_, i) => `bench-${run}-svc-${i}`);
await pool.query(`INSERT INTO "Service" (slug, name, "teamId", "updatedAt") SELECT s, s, $2, now() FROM unnest($1::text[]) AS s`, [services, team[0]!.id]);
await pool.query(`INSERT INTO "AwsAccount" ("accountId", name, regions, "updatedAt") VALUES ($1, 'bench', $2, now())`, [accountId, [REGION]]);

// The world: executions newest first, as ListPipelineExecutions returns them.
interface TWorldPipeline {
  name: string;
  service: string;
  executions: { id: string; start: number; isFailed: boolean; sha: string }[];
}
const world: TWorldPipeline[] = Array.from({ length: PIPELINES }, (_, p) => ({
  name: `bench-${run}-${String(p).padStart(4, "0")}`,
  service: services[p % services.length]!,
  executions: Array.from({ length: EXECUTIONS }, (_, e) => {
    const n = EXECUTIONS - 1 - e;
    const id = `${randomBytes(4).toString("hex")}-${randomBytes(2).toString("hex")}-4${randomBytes(2).toString("hex").slice(1)}-a${randomBytes(2).toString("hex").slice(1)}-${randomBytes(6).toString("hex")}`;
    return { id, start: T0 + n * 3600 + p, isFailed: n % FAIL_EVERY === FAIL_EVERY - 1, sha: randomBytes(20).toString("hex") };
  }),
}));
const byName = new Map(world.map((p) => [p.name, p]));

function summary(p: TWorldPipeline, e: TWorldPipeline["executions"][number]) {
  return {
    pipelineExecutionId: e.id,
    status: e.isFailed ? "Failed" : "Succeeded",
    startTime: e.start,
    lastUpdateTime: e.start + 900,
    executionType: "STANDARD",
    trigger: { triggerType: "WebhookV2", triggerDetail: `arn:aws:codeconnections:${REGION}:${accountId}:connection/bench` },
    sourceRevisions: [
      {
        actionName: "Source",
        revisionId: e.sha,
        revisionSummary: JSON.stringify({ ProviderType: "GitHub", CommitMessage: `Change ${e.id.slice(0, 8)} of ${p.name}` }),
        revisionUrl: `https://github.com/acme/${p.name}/commit/${e.sha}`,
      },
    ],
    ...(e.isFailed ? { statusSummary: "Deployment failed" } : {}),
  };
}

function page<T>(items: readonly T[], token: unknown, size: number) {
  const start = typeof token === "string" ? Number(token) : 0;
  return { items: items.slice(start, start + size), nextToken: start + size < items.length ? String(start + size) : undefined };
}

function codePipeline(request: TFakeRequest): TFakeReply {
  const { input } = request;
  const pipeline = byName.get(String(input.name ?? input.pipelineName ?? String(input.resourceArn ?? "").split(":").pop()));
  switch (request.operation) {
    case "ListPipelines": {
      const { items, nextToken } = page(world, input.nextToken, Number(input.maxResults ?? 100));
      return { body: { pipelines: items.map((p) => ({ name: p.name, version: 1, pipelineType: "V2", executionMode: "SUPERSEDED" })), nextToken } };
    }
    case "GetPipelineState": {
      if (!pipeline) return awsErrorReply("PipelineNotFoundException", "no such pipeline");
      const newest = pipeline.executions[0]!;
      return {
        body: {
          pipelineName: pipeline.name,
          pipelineVersion: 1,
          stageStates: STAGES.map((stage) => ({
            stageName: stage,
            latestExecution: { pipelineExecutionId: newest.id, status: "Succeeded" },
            actionStates: [{ actionName: stage, latestExecution: { status: "Succeeded", lastStatusChange: newest.start + 600 } }],
          })),
        },
      };
    }
    case "GetPipeline":
      if (!pipeline) return awsErrorReply("PipelineNotFoundException", "no such pipeline");
      return {
        body: {
          pipeline: {
            name: pipeline.name,
            roleArn: `arn:aws:iam::${accountId}:role/pipeline`,
            version: 1,
            pipelineType: "V2",
            executionMode: "SUPERSEDED",
            stages: STAGES.map((stage) => ({ name: stage, actions: [{ name: stage, actionTypeId: { category: stage === "Source" ? "Source" : stage === "Build" ? "Build" : "Deploy", owner: "AWS", provider: "CodeBuild", version: "1" }, runOrder: 1 }] })),
          },
          metadata: { pipelineArn: `arn:aws:codepipeline:${REGION}:${accountId}:${pipeline.name}` },
        },
      };
    case "ListTagsForResource":
      if (!pipeline) return awsErrorReply("ResourceNotFoundException", "no such pipeline");
      return { body: { tags: [{ key: "portside:service", value: pipeline.service }, { key: "portside:prod-stage", value: "Production" }] } };
    case "ListPipelineExecutions": {
      if (!pipeline) return awsErrorReply("PipelineNotFoundException", "no such pipeline");
      const { items, nextToken } = page(pipeline.executions, input.nextToken, Math.min(Number(input.maxResults ?? 100), 100));
      return { body: { pipelineExecutionSummaries: items.map((e) => summary(pipeline, e)), nextToken } };
    }
    case "ListActionExecutions": {
      const executionId = (input.filter as { pipelineExecutionId?: string } | undefined)?.pipelineExecutionId;
      const execution = pipeline?.executions.find((e) => e.id === executionId);
      if (!pipeline || !execution) return { body: { actionExecutionDetails: [] } };
      return {
        body: {
          actionExecutionDetails: STAGES.map((stage, i) => ({
            pipelineExecutionId: execution.id,
            actionExecutionId: `${execution.id}-${stage}`,
            pipelineVersion: 1,
            stageName: stage,
            actionName: stage,
            startTime: execution.start + i * 300,
            lastUpdateTime: execution.start + i * 300 + 240,
            status: stage === "Production" && execution.isFailed ? "Failed" : "Succeeded",
            output: {
              executionResult: {
                externalExecutionId: `${stage}-1`,
                externalExecutionSummary: stage === "Production" && execution.isFailed ? "ECS service did not stabilise" : "Done",
                ...(stage === "Production" && execution.isFailed ? { errorDetails: { code: "JobFailed", message: "ECS service did not stabilise" } } : {}),
              },
            },
          })),
        },
      };
    }
    default:
      return awsErrorReply("UnknownOperationException", request.operation);
  }
}

const fake = fakeJsonHandler(async (request) => {
  if (LATENCY_MS > 0) await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
  return codePipeline(request);
});
// The SDK hands the JSON body over as bytes, which fakeJsonHandler reads only as a string: decode it first.
const requestHandler: typeof fake.handler = {
  ...fake.handler,
  handle(request) {
    if (request.body instanceof Uint8Array) request.body = new TextDecoder().decode(request.body);
    return fake.handler.handle(request);
  },
};
const factory = createAwsClientFactory({ homeCredentials: async () => ({ accessKeyId: "AKIABENCH", secretAccessKey: "bench" }), requestHandler });
const createClient: NonNullable<TSyncAllOptions["createClient"]> = (account, region, stats) => factory.create(CodePipelineClient, { account, region, stats });

function callsByOperation(since: number): string {
  const counts = new Map<string, number>();
  for (const r of fake.requests.slice(since)) counts.set(r.operation, (counts.get(r.operation) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${op} ${n.toLocaleString("en")}`).join(", ");
}

async function timedSync(label: string): Promise<{ outcome: TSyncPipelinesOutcome; seconds: number; calls: number }> {
  const since = fake.requests.length;
  const started = performance.now();
  const [outcome] = await syncPipelines({ accountId, createClient });
  const seconds = (performance.now() - started) / 1000;
  if (!outcome || outcome.status !== "SUCCEEDED") throw new Error(`${label}: ${outcome?.status}: ${outcome?.error}`);
  const calls = fake.requests.length - since;
  const stored = outcome.stored!;
  // The sync queues the DORA refresh of what it wrote; a drain follows it in the portal. Timed apart.
  const drainStarted = performance.now();
  await drainDoraQueue();
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  console.log(`  ${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s  ${calls.toLocaleString("en").padStart(7)} AWS calls (${outcome.stats.throttles} throttled)`);
  console.log(`  ${"".padEnd(34)} ${callsByOperation(since)}`);
  console.log(
    `  ${"".padEnd(34)} wrote ${stored.pipelines.toLocaleString("en")} pipelines (state and sync time), ${stored.executions.toLocaleString("en")} executions, ` +
      `${stored.deployments.created.toLocaleString("en")} new deployments, ${stored.deployments.updated.toLocaleString("en")} updated`,
  );
  console.log(`  ${"".padEnd(34)} then the queued DORA refresh of what it wrote: ${drainSeconds.toFixed(2)} s`);
  return { outcome, seconds, calls };
}

console.log(`pipelines benchmark: ${PIPELINES.toLocaleString("en")} pipelines × ${EXECUTIONS} executions, one account × region, fake CodePipeline (${LATENCY_MS} ms per call), durable PostgreSQL`);
await timedSync("first sync");
const incremental = await timedSync("incremental sync, nothing new");

// Ten pipelines each ran once more.
for (const p of world.slice(0, 10)) {
  const start = p.executions[0]!.start + 3600;
  p.executions.unshift({ id: `${randomBytes(4).toString("hex")}-0000-4000-8000-${randomBytes(6).toString("hex")}`, start, isFailed: false, sha: randomBytes(20).toString("hex") });
}
await timedSync("incremental sync, 10 new executions");

// Where the time of an incremental sync goes.
const { rows: account } = await pool.query<{ id: number }>(`SELECT id FROM "AwsAccount" WHERE "accountId" = $1`, [accountId]);
let mark = performance.now();
const lap = () => {
  const ms = performance.now() - mark;
  mark = performance.now();
  return `${ms.toFixed(0)} ms`;
};
const stored = await loadStoredPipelines({ awsAccountId: account[0]!.id, region: REGION });
const loadTime = lap();
const stats = newSyncStats();
const result = await syncRegion({ client: createClient({ accountId, roleArn: null, externalId: null }, REGION, stats), accountId, region: REGION, stats, stored });
const readTime = lap();
await storeRegionSync({ awsAccountId: account[0]!.id, result, syncStartedAt: new Date() });
const storeTime = lap();
console.log(`  incremental sync, nothing new, by phase: load stored ${loadTime}, read AWS ${readTime} (${stats.calls} calls), store ${storeTime}`);

const { rows } = await pool.query<{ p: number; e: number; d: number; c: number }>(
  `SELECT (SELECT count(*)::int FROM "Pipeline" WHERE name LIKE $1) p,
          (SELECT count(*)::int FROM "PipelineExecution" e JOIN "Pipeline" p ON p.id = e."pipelineId" WHERE p.name LIKE $1) e,
          (SELECT count(*)::int FROM "Deployment" WHERE source = 'codepipeline' AND "externalId" LIKE $2) d,
          (SELECT count(*)::int FROM "Change" c JOIN "Deployment" d ON d.id = c."deploymentId" WHERE d.source = 'codepipeline' AND d."externalId" LIKE $2) c`,
  [`bench-${run}-%`, `%:bench-${run}-%`],
);
const goal = Math.ceil(PIPELINES / 1000) + PIPELINES;
console.log(`  stored: ${rows[0]!.p.toLocaleString("en")} pipelines, ${rows[0]!.e.toLocaleString("en")} executions, ${rows[0]!.d.toLocaleString("en")} deployments, ${rows[0]!.c.toLocaleString("en")} commits`);
console.log(
  `  goal: an incremental sync with nothing new costs one list pass (${Math.ceil(PIPELINES / 1000)} ListPipelines page) + one GetPipelineState per pipeline = ${goal.toLocaleString("en")} calls: ` +
    (incremental.calls === goal ? "met" : `NOT MET (${incremental.calls.toLocaleString("en")})`),
);
await closeDb();
