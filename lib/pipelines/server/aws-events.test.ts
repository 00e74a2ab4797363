import { describe, expect, it } from "vitest";
import { parseAwsEvent, ZAwsEventBatchSchema, ZAwsEventSchema, type TAwsEvent } from "@/lib/pipelines/server/aws-events";

/** As EventBridge delivers them (examples from the CodePipeline user guide, "Monitoring CodePipeline events"). */
const envelope = (detailType: string, detail: Record<string, unknown>): TAwsEvent =>
  ZAwsEventSchema.parse({
    version: "0",
    id: "01234567-0123-0123-0123-012345678912",
    "detail-type": detailType,
    source: "aws.codepipeline",
    account: "123456789012",
    time: "2020-01-24T22:03:07Z",
    region: "us-east-1",
    resources: ["arn:aws:codepipeline:us-east-1:123456789012:myPipeline"],
    detail,
  });

describe("parseAwsEvent", () => {
  it("reads a pipeline execution that started, with its trigger and start time", () => {
    const parsed = parseAwsEvent(
      envelope("CodePipeline Pipeline Execution State Change", {
        pipeline: "myPipeline",
        "execution-id": "12345678-1234-5678-abcd-12345678abcd",
        "start-time": "2023-10-26T13:49:39.208Z",
        "execution-trigger": { "trigger-type": "StartPipelineExecution", "trigger-detail": "arn:aws:sts::123456789012:assumed-role/Admin/my-user" },
        state: "STARTED",
        version: 1.0,
        "pipeline-execution-attempt": 1.0,
      }),
    );
    expect(parsed).toEqual({
      kind: "codepipeline",
      event: {
        kind: "pipeline",
        id: "01234567-0123-0123-0123-012345678912",
        time: new Date("2020-01-24T22:03:07Z"),
        accountId: "123456789012",
        region: "us-east-1",
        pipeline: "myPipeline",
        pipelineArn: "arn:aws:codepipeline:us-east-1:123456789012:myPipeline",
        executionId: "12345678-1234-5678-abcd-12345678abcd",
        startTime: new Date("2023-10-26T13:49:39.208Z"),
        state: "STARTED",
        trigger: { triggerType: "StartPipelineExecution", triggerDetail: "arn:aws:sts::123456789012:assumed-role/Admin/my-user" },
      },
    });
  });

  it("reads an action that failed, with its result; and older events with a string version and no start time", () => {
    const parsed = parseAwsEvent(
      envelope("CodePipeline Action Execution State Change", {
        pipeline: "myPipeline",
        "execution-id": "12345678-1234-5678-abcd-12345678abcd",
        stage: "Deploy",
        "execution-result": {
          "external-execution-url": "https://us-west-2.console.aws.amazon.com/codedeploy/home?#/deployments/<ID>",
          "external-execution-summary": "Deployment <ID> failed",
          "external-execution-id": "<ID>",
          "error-code": "JobFailed",
        },
        "action-execution-id": "47f821c5-a902-44b2-ae61-b878d31ecd21",
        action: "Deploy",
        state: "FAILED",
        region: "us-west-2",
        type: { owner: "AWS", provider: "CodeDeploy", category: "Deploy", version: "1" },
        version: "4",
      }),
    );
    expect(parsed).toMatchObject({
      kind: "codepipeline",
      event: {
        kind: "action",
        stage: "Deploy",
        action: "Deploy",
        state: "FAILED",
        category: "Deploy",
        startTime: null,
        result: { summary: "Deployment <ID> failed", errorCode: "JobFailed", externalId: "<ID>" },
      },
    });
  });

  it("ignores other sources, other detail types and states it does not know, saying why", () => {
    expect(parseAwsEvent({ ...envelope("CodePipeline Stage Execution State Change", {}), source: "aws.ecs" })).toMatchObject({ kind: "ignored", reason: "source aws.ecs is not applied here" });
    expect(parseAwsEvent({ ...envelope("CloudWatch Alarm Configuration Change", {}), source: "aws.cloudwatch" })).toMatchObject({ kind: "ignored", reason: 'detail-type "CloudWatch Alarm Configuration Change" is not applied here' });
    expect(parseAwsEvent(envelope("CodePipeline Pipeline Execution State Change (preview)", {}))).toMatchObject({ kind: "ignored" });
    const paused = envelope("CodePipeline Stage Execution State Change", { pipeline: "p", "execution-id": "e", stage: "Build", state: "PAUSED" });
    expect(parseAwsEvent(paused)).toMatchObject({ kind: "ignored", reason: expect.stringMatching(/state PAUSED/) });
  });

  it("calls a CodePipeline detail without its documented fields invalid", () => {
    const parsed = parseAwsEvent(envelope("CodePipeline Stage Execution State Change", { pipeline: "p", state: "STARTED" }));
    expect(parsed.kind).toBe("invalid");
    expect(parsed.kind === "invalid" && parsed.issues.map((i) => i.path.join("."))).toEqual(["execution-id", "stage"]);
  });
});

describe("the envelope", () => {
  it("accepts the account as documentation examples sometimes print it, and refuses what is not an event", () => {
    expect(ZAwsEventSchema.parse({ ...envelope("x", {}), account: 123456789012 }).account).toBe("123456789012");
    expect(ZAwsEventSchema.safeParse({ ...envelope("x", {}), time: "yesterday" }).success).toBe(false);
    expect(ZAwsEventSchema.safeParse({ ...envelope("x", {}), region: "Europe" }).success).toBe(false);
    expect(ZAwsEventBatchSchema.safeParse([]).success).toBe(false);
    expect(ZAwsEventBatchSchema.safeParse(Array.from({ length: 101 }, () => envelope("x", {}))).success).toBe(false);
  });

  const raw = { ...envelope("x", {}) };

  it("refuses a time of year 0000 (or before 1970), which PostgreSQL cannot store", () => {
    const event = { ...raw, time: "0000-01-01T00:00:00Z" };
    expect(ZAwsEventSchema.safeParse(event).error?.issues).toEqual([expect.objectContaining({ path: ["time"], message: "is before 1970-01-01" })]);
    const alarm = parseAwsEvent({
      ...envelope("CloudWatch Alarm State Change", { alarmName: "a", state: { value: "ALARM", timestamp: "0000-01-01T00:00:00.000+0000" } }),
      source: "aws.cloudwatch",
    });
    expect(alarm).toMatchObject({ kind: "invalid", issues: [expect.objectContaining({ path: ["state", "timestamp"] })] });
  });

  it("refuses NUL characters and lone surrogates anywhere in an event, fields AWS may add included, with their path", () => {
    const issues = (body: unknown) => ZAwsEventSchema.safeParse(body).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues({ ...raw, id: "evt\u0000" })).toEqual(["id: must not contain a NUL character (\\u0000)"]);
    expect(issues({ ...raw, detail: { pipeline: "p", extra: ["\uD800"] } })).toEqual(["detail.extra.0: must not contain an unpaired surrogate (not valid Unicode)"]);
  });
});
