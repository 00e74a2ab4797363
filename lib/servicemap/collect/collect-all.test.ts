/**
 * The X-Ray reader through the generic fan-out (lib/aws/fan-out.ts) against
 * real SDK clients answered at the HTTP level, so
 * AssumeRole, signing, adaptive retries on ThrottledException and the call
 * counting all run for real.
 */
import { XRayClient } from "@aws-sdk/client-xray";
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from "@aws-sdk/nested-clients/sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAwsClientFactory, type TAwsAccountRef, type TSyncStats } from "@/lib/aws/clients";
import { awsErrorReply, fakeJsonHandler, type TFakeReply, type TFakeRequest } from "@/lib/testing/aws/fake-http-handler";
import { readRegions, type TAwsAccountToSync } from "@/lib/aws/fan-out";
import { xrayReader } from "@/lib/servicemap/collect/collect-region";

const HOME: TAwsAccountToSync = { accountId: "111111111111", roleArn: null, externalId: null, regions: ["eu-west-1"] };
const MEMBER_A: TAwsAccountToSync = { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/portside-read", externalId: "ext-a", regions: ["eu-west-1"] };
const MEMBER_B: TAwsAccountToSync = { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/portside-read", externalId: "ext-b", regions: ["us-east-1"] };
const ACCOUNT_BY_KEY: Record<string, string> = { AKIAHOME: HOME.accountId, "ASIA-ext-a": MEMBER_A.accountId, "ASIA-ext-b": MEMBER_B.accountId };
const NOW = new Date("2026-11-02T10:03:00Z");

const sts = mockClient(STSClient);

beforeEach(() => {
  sts.reset();
  sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => ({
    Credentials: { AccessKeyId: `ASIA-${input.ExternalId}`, SecretAccessKey: "s", SessionToken: "t", Expiration: new Date(Date.now() + 3600_000) },
  }));
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(NOW);
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

/** One service behind a client in every bucket; account B may not read X-Ray; account A's first graph read is throttled. */
function xray(request: TFakeRequest, graphCalls: number): TFakeReply {
  const accountId = ACCOUNT_BY_KEY[request.accessKeyId ?? ""] ?? "unknown";
  if (accountId === MEMBER_B.accountId) {
    return awsErrorReply("AccessDeniedException", `User: arn:aws:sts::${accountId}:assumed-role/portside-read/portside-collector is not authorized to perform: xray:GetGroups`, 403);
  }
  switch (request.operation) {
    case "Groups":
      return { body: { Groups: [{ GroupName: "Default", GroupARN: `arn:aws:xray:eu-west-1:${accountId}:group/Default` }] } };
    case "ServiceGraph":
      if (accountId === MEMBER_A.accountId && graphCalls === 1) return awsErrorReply("ThrottledException", "Rate exceeded", 429);
      return {
        body: {
          StartTime: request.input.StartTime,
          EndTime: request.input.EndTime,
          Services: [
            { ReferenceId: 0, Name: "web", Type: "client", Edges: [{ ReferenceId: 1, SummaryStatistics: { TotalCount: 10, OkCount: 10, TotalResponseTime: 1 } }] },
            { ReferenceId: 1, Name: "api", Type: "AWS::ECS::Container", SummaryStatistics: { TotalCount: 10, OkCount: 10, TotalResponseTime: 1 }, ResponseTimeHistogram: [{ Value: 0.1, Count: 10 }], Edges: [] },
          ],
        },
      };
    case "TraceSummaries":
      return { body: { TraceSummaries: [] } };
    default:
      return awsErrorReply("UnknownOperationException", request.operation);
  }
}

function setup() {
  const graphCalls = new Map<string, number>();
  const fake = fakeJsonHandler((request) => {
    const key = request.accessKeyId ?? "";
    if (request.operation === "ServiceGraph") graphCalls.set(key, (graphCalls.get(key) ?? 0) + 1);
    return xray(request, graphCalls.get(key) ?? 0);
  });
  const factory = createAwsClientFactory({ homeCredentials: async () => ({ accessKeyId: "AKIAHOME", secretAccessKey: "s" }), requestHandler: fake.handler });
  const createClient = (account: TAwsAccountRef, region: string, stats: TSyncStats) => factory.create(XRayClient, { account, region, stats });
  return { createClient, requests: fake.requests };
}

describe("readRegions with the X-Ray reader", () => {
  it("retries a throttled graph read, isolates an account that may not read X-Ray, and counts calls, throttles and errors", async () => {
    const { createClient, requests } = setup();
    // Two buckets per run: 10:00 is not finished yet (2-minute lag), so 09:50 and 09:55.
    const outcomes = await settle(readRegions([HOME, MEMBER_A, MEMBER_B], xrayReader, { createClient, tuning: { now: NOW, backfillMs: 10 * 60_000 } }));
    expect(outcomes.map((o) => ({ accountId: o.accountId, status: o.status, stats: o.stats }))).toEqual([
      // GetGroups, two graph buckets, one trace-summary read.
      { accountId: HOME.accountId, status: "SUCCEEDED", stats: { calls: 4, throttles: 0, errors: 0 } },
      // The same plus the throttled attempt, retried.
      { accountId: MEMBER_A.accountId, status: "SUCCEEDED", stats: { calls: 5, throttles: 1, errors: 0 } },
      { accountId: MEMBER_B.accountId, status: "FAILED", stats: { calls: 1, throttles: 0, errors: 1 } },
    ]);
    expect(outcomes[2]!.error).toMatch(/Could not list X-Ray groups in account 333333333333, region us-east-1: GetGroups HTTP 403 AccessDeniedException: /);
    expect(outcomes[1]!.result?.graphs[0]?.buckets.map((b) => [b.start.toISOString(), b.nodes.length, b.edges.length])).toEqual([
      ["2026-11-02T09:50:00.000Z", 2, 1],
      ["2026-11-02T09:55:00.000Z", 2, 1],
    ]);
    // Member accounts are read with their assumed role's keys.
    expect(new Set(requests.filter((r) => r.hostname.startsWith("xray.eu-west-1")).map((r) => r.accessKeyId))).toEqual(new Set(["AKIAHOME", "ASIA-ext-a"]));
  });
});
