import { CodePipelineClient, ListPipelinesCommand } from "@aws-sdk/client-codepipeline";
// fromTemporaryCredentials builds its STS client from @aws-sdk/nested-clients, not
// from @aws-sdk/client-sts: mocking client-sts's STSClient would not intercept it.
import { AssumeRoleCommand, STSClient, type AssumeRoleCommandInput } from "@aws-sdk/nested-clients/sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createAwsClientFactory,
  isThrottlingError,
  memoizeCredentials,
  newSyncStats,
  type TAwsAccountRef,
  type TAwsClientFactoryOptions,
  withMemberRole,
} from "@/lib/aws/clients";
import { awsErrorReply, fakeJsonHandler, type TFakeReply } from "@/lib/testing/aws/fake-http-handler";

const HOME: TAwsAccountRef = { accountId: "111111111111", roleArn: null, externalId: null };
const MEMBER_A: TAwsAccountRef = { accountId: "222222222222", roleArn: "arn:aws:iam::222222222222:role/portside-read", externalId: "ext-a" };
const MEMBER_B: TAwsAccountRef = { accountId: "333333333333", roleArn: "arn:aws:iam::333333333333:role/portside-read", externalId: "ext-b" };
const homeCredentials = async () => ({ accessKeyId: "AKIAHOME", secretAccessKey: "home-secret" });

const sts = mockClient(STSClient);
let expiresInMs = 60 * 60 * 1000;

beforeEach(() => {
  sts.reset();
  expiresInMs = 60 * 60 * 1000;
  sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => ({
    Credentials: {
      AccessKeyId: `ASIA-${input.ExternalId ?? "none"}`,
      SecretAccessKey: "assumed-secret",
      SessionToken: "token",
      Expiration: new Date(Date.now() + expiresInMs),
    },
  }));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

function setup(replies: (n: number) => TFakeReply = () => ({ body: { pipelines: [] } }), options: TAwsClientFactoryOptions = {}) {
  const fake = fakeJsonHandler(() => replies(fake.requests.length));
  const factory = createAwsClientFactory({ homeCredentials, requestHandler: fake.handler, ...options });
  return { factory, requests: fake.requests };
}

/** Runs a promise to completion under fake timers, so retry back-off costs no real time. */
async function settle<T>(promise: Promise<T>): Promise<T> {
  let isDone = false;
  promise.then(
    () => (isDone = true),
    () => (isDone = true),
  );
  while (!isDone) await vi.advanceTimersByTimeAsync(250);
  return promise;
}

describe("createAwsClientFactory: credentials", () => {
  it("signs home-account requests with the home credentials and never assumes a role", async () => {
    const { factory, requests } = setup();
    const client = factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats: newSyncStats() });
    await client.send(new ListPipelinesCommand({}));
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(requests[0]).toMatchObject({ operation: "ListPipelines", hostname: "codepipeline.eu-west-1.amazonaws.com", accessKeyId: "AKIAHOME" });
  });

  it("assumes the member role with its external id and signs with the assumed credentials", async () => {
    const { factory, requests } = setup();
    const client = factory.create(CodePipelineClient, { account: MEMBER_A, region: "eu-west-1", stats: newSyncStats() });
    await client.send(new ListPipelinesCommand({}));
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: MEMBER_A.roleArn, ExternalId: "ext-a", RoleSessionName: "portside-collector", DurationSeconds: 3600 },
    ]);
    expect(requests[0]?.accessKeyId).toBe("ASIA-ext-a");
  });

  it("assumes each member account's own role with its own external id", async () => {
    const { factory, requests } = setup();
    for (const account of [MEMBER_A, MEMBER_B]) {
      await factory.create(CodePipelineClient, { account, region: "eu-west-1", stats: newSyncStats() }).send(new ListPipelinesCommand({}));
    }
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => [c.args[0].input.RoleArn, c.args[0].input.ExternalId])).toEqual([
      [MEMBER_A.roleArn, "ext-a"],
      [MEMBER_B.roleArn, "ext-b"],
    ]);
    expect(requests.map((r) => r.accessKeyId)).toEqual(["ASIA-ext-a", "ASIA-ext-b"]);
  });

  it("reuses the assumed credentials across clients and concurrent calls", async () => {
    const { factory } = setup();
    for (let run = 0; run < 2; run++) {
      const client = factory.create(CodePipelineClient, { account: MEMBER_A, region: "eu-west-1", stats: newSyncStats() });
      await Promise.all([1, 2, 3].map(() => client.send(new ListPipelinesCommand({}))));
    }
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(factory.credentialsFor(MEMBER_A, "eu-west-1")).toBe(factory.credentialsFor(MEMBER_A, "eu-west-1"));
  });

  it("assumes the role again once the credentials are within 5 minutes of expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    expiresInMs = 10 * 60 * 1000;
    const { factory } = setup();
    const run = () => factory.create(CodePipelineClient, { account: MEMBER_A, region: "eu-west-1", stats: newSyncStats() }).send(new ListPipelinesCommand({}));
    await run();
    vi.advanceTimersByTime(4 * 60 * 1000);
    await run();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    vi.advanceTimersByTime(2 * 60 * 1000);
    await run();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it("memoizeCredentials refreshes at the margin and shares one pending request", async () => {
    let now = 0;
    let calls = 0;
    const provider = memoizeCredentials(async () => {
      calls += 1;
      return { accessKeyId: `K${calls}`, secretAccessKey: "s", expiration: new Date(60 * 60 * 1000) };
    }, () => now);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect([a.accessKeyId, b.accessKeyId, calls]).toEqual(["K1", "K1", 1]);
    now = 54 * 60 * 1000;
    expect((await provider()).accessKeyId).toBe("K1");
    now = 56 * 60 * 1000;
    expect((await provider()).accessKeyId).toBe("K2");
  });

  it("surfaces a failed AssumeRole as the call's error, counted", async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error("not authorized to perform sts:AssumeRole"), { name: "AccessDenied" }));
    const { factory, requests } = setup();
    const stats = newSyncStats();
    const client = factory.create(CodePipelineClient, { account: MEMBER_A, region: "eu-west-1", stats });
    await expect(client.send(new ListPipelinesCommand({}))).rejects.toThrow(/sts:AssumeRole/);
    expect(requests).toHaveLength(0);
    expect(stats.errors).toBe(1);
  });
});

describe("createAwsClientFactory: retries and stats", () => {
  it("configures adaptive retries with 8 attempts by default", async () => {
    const { factory } = setup();
    const client = factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats: newSyncStats() });
    expect(await client.config.retryStrategy()).toMatchObject({ mode: "adaptive" });
    expect(await client.config.maxAttempts()).toBe(8);
  });

  it("counts every call", async () => {
    const { factory } = setup();
    const stats = newSyncStats();
    const client = factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats });
    await client.send(new ListPipelinesCommand({}));
    await client.send(new ListPipelinesCommand({}));
    expect(stats).toEqual({ calls: 2, throttles: 0, errors: 0 });
  });

  it("retries a throttled call and counts the throttle", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { factory, requests } = setup((n) => (n === 1 ? awsErrorReply("ThrottlingException", "Rate exceeded") : { body: { pipelines: [{ name: "web", version: 1 }] } }));
    const stats = newSyncStats();
    const client = factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats });
    const output = await settle(client.send(new ListPipelinesCommand({})));
    expect(output.pipelines?.map((p) => p.name)).toEqual(["web"]);
    expect(output.$metadata.attempts).toBe(2);
    expect(requests).toHaveLength(2);
    expect(stats).toEqual({ calls: 2, throttles: 1, errors: 0 });
  });

  it("gives up after maxAttempts throttles and counts one error", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { factory } = setup(() => awsErrorReply("ThrottlingException", "Rate exceeded"), { maxAttempts: 3 });
    const stats = newSyncStats();
    const client = factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats });
    await expect(settle(client.send(new ListPipelinesCommand({})))).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(stats).toEqual({ calls: 3, throttles: 3, errors: 1 });
  });

  it("does not retry an access error", async () => {
    const { factory } = setup(() => awsErrorReply("AccessDeniedException", "not authorized to perform codepipeline:ListPipelines"));
    const stats = newSyncStats();
    const client = factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats });
    await expect(client.send(new ListPipelinesCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
    expect(stats).toEqual({ calls: 1, throttles: 0, errors: 1 });
  });

  it("sends to AWS_ENDPOINT_URL when it is set (read by the SDK itself)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", "http://localhost:4566");
    const { factory, requests } = setup();
    await factory.create(CodePipelineClient, { account: HOME, region: "eu-west-1", stats: newSyncStats() }).send(new ListPipelinesCommand({}));
    expect(requests[0]?.hostname).toBe("localhost");
  });
});

describe("isThrottlingError", () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error("x"), { name, ...extra });

  it.each(["ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "Throttling"])("is true for %s", (name) => {
    expect(isThrottlingError(named(name))).toBe(true);
  });

  it("is true for $retryable.throttling and HTTP 429", () => {
    expect(isThrottlingError(named("Whatever", { $retryable: { throttling: true } }))).toBe(true);
    expect(isThrottlingError(named("Whatever", { $metadata: { httpStatusCode: 429 } }))).toBe(true);
  });

  it("is false for access errors, resource quotas and non-errors", () => {
    expect(isThrottlingError(named("AccessDeniedException"))).toBe(false);
    expect(isThrottlingError(named("LimitExceededException"))).toBe(false);
    expect(isThrottlingError({ name: "ThrottlingException" })).toBe(false);
  });
});

describe("withMemberRole", () => {
  it("names the approval role of the same member account, in the read role's partition", () => {
    expect(withMemberRole(MEMBER_A, "PortsideApprove")).toEqual({ ...MEMBER_A, roleArn: "arn:aws:iam::222222222222:role/PortsideApprove" });
    const china = { accountId: "444444444444", roleArn: "arn:aws-cn:iam::444444444444:role/PortsideRead", externalId: null };
    expect(withMemberRole(china, "PortsideApprove").roleArn).toBe("arn:aws-cn:iam::444444444444:role/PortsideApprove");
  });

  it("leaves the home account, and any account when no approval role is configured, as it is", () => {
    expect(withMemberRole(HOME, "PortsideApprove")).toBe(HOME);
    expect(withMemberRole(MEMBER_A, undefined)).toBe(MEMBER_A);
  });
});
