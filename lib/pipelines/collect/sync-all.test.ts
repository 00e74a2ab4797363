/**
 * The CodePipeline reader through the generic fan-out (lib/aws/fan-out.ts)
 * against real SDK clients, answered at the HTTP level: so AssumeRole,
 * request signing, adaptive retries and the call counting all run for real.
 */
import { CodePipelineClient } from "@aws-sdk/client-codepipeline";
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from "@aws-sdk/nested-clients/sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAwsClientFactory, type TAwsAccountRef } from "@/lib/aws/clients";
import { awsErrorReply, fakeJsonHandler, type TFakeReply, type TFakeRequest } from "@/lib/testing/aws/fake-http-handler";
import { storedAfter } from "@/lib/testing/aws/fake-codepipeline";
import { readRegions, type TAwsAccountToSync, type TReadRegionsOptions } from "@/lib/aws/fan-out";
import { codePipelineReader, type TCodePipelineTuning, type TSyncRegionResult } from "@/lib/pipelines/collect/sync-region";
import type { TStoredPipeline } from "@/lib/pipelines/collect/types";

const HOME: TAwsAccountToSync = { accountId: "111111111111", roleArn: null, externalId: null, regions: ["eu-west-1"] };
const MEMBER_A: TAwsAccountToSync = { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/portside-read", externalId: "ext-a", regions: ["eu-west-1"] };
const MEMBER_B: TAwsAccountToSync = { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/portside-read", externalId: "ext-b", regions: ["us-east-1"] };
const ACCOUNT_BY_KEY: Record<string, string> = { AKIAHOME: HOME.accountId, "ASIA-ext-a": MEMBER_A.accountId, "ASIA-ext-b": MEMBER_B.accountId };
const epoch = (iso: string) => Date.parse(iso) / 1000;

const sts = mockClient(STSClient);

type TSyncAllOptions = Omit<TReadRegionsOptions<CodePipelineClient, ReadonlyMap<string, TStoredPipeline>, TSyncRegionResult, TCodePipelineTuning>, "tuning"> & TCodePipelineTuning;
const syncAll = (accounts: TAwsAccountToSync[], { createClient, loadStored, onRegionRead, regionConcurrency, ...tuning }: TSyncAllOptions) =>
  readRegions(accounts, codePipelineReader, { createClient, loadStored, onRegionRead, regionConcurrency, tuning });

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

/**
 * One pipeline "web" per account, with one succeeded execution. Account B
 * may not list pipelines; account A is throttled on its first call.
 */
function codePipeline(request: TFakeRequest, attempt: number): TFakeReply {
  const accountId = ACCOUNT_BY_KEY[request.accessKeyId ?? ""] ?? "unknown";
  if (accountId === MEMBER_B.accountId) {
    return awsErrorReply("AccessDeniedException", `User: arn:aws:sts::${accountId}:assumed-role/portside-read/portside-collector is not authorized to perform: codepipeline:ListPipelines`);
  }
  if (accountId === MEMBER_A.accountId && attempt === 1) return awsErrorReply("ThrottlingException", "Rate exceeded");
  switch (request.operation) {
    case "ListPipelines":
      return { body: { pipelines: [{ name: "web", version: 1 }] } };
    case "GetPipelineState":
      return { body: { pipelineName: "web", stageStates: [{ stageName: "Source", latestExecution: { pipelineExecutionId: "e1", status: "Succeeded" } }, { stageName: "Prod", latestExecution: { pipelineExecutionId: "e1", status: "Succeeded" } }] } };
    case "GetPipeline":
      return {
        body: {
          pipeline: { name: "web", version: 1, roleArn: "r", stages: [{ name: "Source", actions: [] }, { name: "Prod", actions: [] }] },
          metadata: { pipelineArn: `arn:aws:codepipeline:eu-west-1:${accountId}:web` },
        },
      };
    case "ListTagsForResource":
      return { body: { tags: [{ key: "portside:service", value: "web" }] } };
    case "ListPipelineExecutions":
      return { body: { pipelineExecutionSummaries: [{ pipelineExecutionId: "e1", status: "Succeeded", startTime: epoch("2026-11-02T10:00:00Z"), lastUpdateTime: epoch("2026-11-02T10:20:00Z") }] } };
    default:
      return awsErrorReply("UnknownOperationException", request.operation);
  }
}

function setup() {
  const attempts = new Map<string, number>();
  const fake = fakeJsonHandler((request) => {
    const key = request.accessKeyId ?? "";
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    return codePipeline(request, attempts.get(key) ?? 0);
  });
  const factory = createAwsClientFactory({ homeCredentials: async () => ({ accessKeyId: "AKIAHOME", secretAccessKey: "s" }), requestHandler: fake.handler });
  const createClient = (account: TAwsAccountRef, region: string, stats: Parameters<typeof factory.create>[1]["stats"]) =>
    factory.create(CodePipelineClient, { account, region, stats });
  return { createClient, requests: fake.requests };
}

describe("readRegions with the CodePipeline reader", () => {
  it("assumes each member account's role, isolates a failing account, and records calls, throttles and errors", async () => {
    const { createClient } = setup();
    const outcomes = await settle(syncAll([HOME, MEMBER_A, MEMBER_B], { createClient }));

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => [c.args[0].input.RoleArn, c.args[0].input.ExternalId])).toEqual([
      [MEMBER_A.roleArn, "ext-a"],
      [MEMBER_B.roleArn, "ext-b"],
    ]);
    expect(outcomes.map(({ accountId, region, ok, status, error, stats }) => ({ accountId, region, ok, status, error, stats }))).toEqual([
      // ListPipelines, GetPipelineState, GetPipeline, ListTagsForResource, ListPipelineExecutions.
      { accountId: HOME.accountId, region: "eu-west-1", ok: true, status: "SUCCEEDED", error: undefined, stats: { calls: 5, throttles: 0, errors: 0 } },
      // The same, plus the throttled first attempt.
      { accountId: MEMBER_A.accountId, region: "eu-west-1", ok: true, status: "SUCCEEDED", error: undefined, stats: { calls: 6, throttles: 1, errors: 0 } },
      {
        accountId: MEMBER_B.accountId,
        region: "us-east-1",
        ok: false,
        status: "FAILED",
        error: `Could not list CodePipeline pipelines in account ${MEMBER_B.accountId}, region us-east-1: ListPipelines HTTP 400 AccessDeniedException: User: arn:aws:sts::${MEMBER_B.accountId}:assumed-role/portside-read/portside-collector is not authorized to perform: codepipeline:ListPipelines`,
        stats: { calls: 1, throttles: 0, errors: 1 },
      },
    ]);
    expect(outcomes[1]?.result?.executions.map((e) => [e.execution.executionId, e.deployment.kind])).toEqual([["e1", "deployment"]]);
    expect(outcomes[1]?.result?.pipelines[0]?.definition?.serviceTag).toBe("web");
    expect(outcomes.every((o) => o.durationMs >= 0)).toBe(true);
  });

  it("costs two calls per region of one pipeline once nothing changes", async () => {
    const { createClient } = setup();
    const results = new Map<string, TSyncRegionResult>();
    const onRegionRead = async (result: TSyncRegionResult) => void results.set(result.accountId, result);
    await settle(syncAll([HOME], { createClient, onRegionRead }));
    const stored = storedAfter(results.get(HOME.accountId)!);
    const loadStored = async (): Promise<ReadonlyMap<string, TStoredPipeline>> => stored;

    const [outcome] = await settle(syncAll([HOME], { createClient, loadStored, definitionRefreshRounds: 0 }));
    expect(outcome).toMatchObject({ ok: true, stats: { calls: 2, throttles: 0, errors: 0 } });
  });

  it("fails only the region whose storage callback fails", async () => {
    const { createClient } = setup();
    const onRegionRead = async (result: TSyncRegionResult) => {
      if (result.accountId === HOME.accountId) throw new Error("database unavailable");
    };
    const outcomes = await settle(syncAll([HOME, MEMBER_A], { createClient, onRegionRead }));
    expect(outcomes.map((o) => [o.accountId, o.status, o.error])).toEqual([
      [HOME.accountId, "FAILED", `CodePipeline sync of account ${HOME.accountId}, region eu-west-1 failed: database unavailable`],
      [MEMBER_A.accountId, "SUCCEEDED", undefined],
    ]);
  });
});
