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

// X-Ray BatchGetTraces (the trace page): any trace id gets a small trace — an entry segment that calls a
// downstream service through a subsegment, which faults. Trace ids ending in 24 "f"s stand for an account
// with CloudWatch Transaction Search on: nothing comes back, and GetTraceSegmentDestination says why.
const { XRayClient, BatchGetTracesCommand, GetTraceSegmentDestinationCommand } = load("@aws-sdk/client-xray");
const xray = mockClient(XRayClient);
const TRANSACTION_SEARCH_ID = /-f{24}$/;
let lastTraceIds = [];
xray.on(BatchGetTracesCommand).callsFake((input) => {
  lastTraceIds = input.TraceIds;
  return {
    Traces: input.TraceIds.filter((id) => !TRANSACTION_SEARCH_ID.test(id)).map((id) => {
      const start = parseInt(id.split("-")[1], 16);
      const entry = {
        id: "e2e0000000000001",
        trace_id: id,
        name: "edge-proxy",
        origin: "AWS::ECS::Container",
        start_time: start,
        end_time: start + 0.84,
        fault: true,
        http: { request: { method: "GET", url: "https://api.example.com/cart/items" }, response: { status: 502 } },
        annotations: { tenant: "acme" },
        subsegments: [{ id: "e2e0000000000002", name: "cart-api", namespace: "remote", start_time: start + 0.02, end_time: start + 0.8, fault: true }],
      };
      const downstream = {
        id: "e2e0000000000003",
        trace_id: id,
        parent_id: "e2e0000000000002",
        name: "cart-api",
        origin: "AWS::ECS::Container",
        start_time: start + 0.03,
        end_time: start + 0.79,
        fault: true,
        cause: { exceptions: [{ message: "upstream connect error", type: "IOError" }] },
      };
      return { Id: id, Duration: 0.84, LimitExceeded: false, Segments: [JSON.stringify(entry), JSON.stringify(downstream)].map((Document, i) => ({ Id: `s${i}`, Document })) };
    }),
    UnprocessedTraceIds: [],
  };
});
xray.on(GetTraceSegmentDestinationCommand).callsFake(() =>
  lastTraceIds.some((id) => TRANSACTION_SEARCH_ID.test(id)) ? { Destination: "CloudWatchLogs", Status: "ACTIVE" } : { Destination: "XRay", Status: "ACTIVE" },
);
