/**
 * Loaded into the end-to-end portal server with `node --import` (see
 * playwright.config.ts): the real AWS SDK client, mocked at the client with
 * aws-sdk-client-mock, as in the unit tests. The portal loads the SDK from
 * node_modules (next.config.mjs serverExternalPackages), so this is the same
 * class it uses. Any call not answered here fails, so no test leans on AWS
 * by accident.
 */
import { createRequire } from "node:module";

// CommonJS on purpose: Next loads external packages with require(), and an
// ESM import would get the SDK's other build, a different class.
const load = createRequire(import.meta.url);
const { mockClient } = load("aws-sdk-client-mock");
const { CodePipelineClient, GetPipelineStateCommand, PutApprovalResultCommand } = load("@aws-sdk/client-codepipeline");

const codepipeline = mockClient(CodePipelineClient);
// Every pipeline's Production stage has a manual approval "Approve" waiting.
codepipeline.on(GetPipelineStateCommand).callsFake((input) => ({
  pipelineName: input.name,
  stageStates: [
    {
      stageName: "Production",
      latestExecution: { pipelineExecutionId: "e2e-approval-execution", status: "InProgress" },
      actionStates: [{ actionName: "Approve", latestExecution: { status: "InProgress", token: "e2e-approval-token" } }],
    },
  ],
}));
codepipeline.on(PutApprovalResultCommand).callsFake(() => ({ approvedAt: new Date() }));

// CloudWatch GetMetricData (the alarm page's chart): every query gets a point per period over the window,
// a calm baseline that jumps above any usual threshold for the last 90 minutes.
const { CloudWatchClient, GetMetricDataCommand } = load("@aws-sdk/client-cloudwatch");
const cloudwatch = mockClient(CloudWatchClient);
cloudwatch.on(GetMetricDataCommand).callsFake((input) => {
  const start = input.StartTime.getTime();
  const end = input.EndTime.getTime();
  return {
    MetricDataResults: (input.MetricDataQueries ?? [])
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const period = (q.MetricStat?.Period ?? 300) * 1000;
        const timestamps = [];
        for (let t = Math.ceil(start / period) * period; t < end; t += period) timestamps.push(new Date(t));
        const values = timestamps.map((t, i) => (end - t.getTime() < 90 * 60_000 ? 95 + (i % 5) : 20 + 10 * Math.sin(i / 6)));
        return { Id: q.Id, Label: q.Label ?? q.MetricStat?.Metric?.MetricName ?? q.Id, Timestamps: timestamps, Values: values, StatusCode: "Complete" };
      }),
  };
});
