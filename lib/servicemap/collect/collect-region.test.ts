import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient, XRayServiceException, type TraceSummary } from "@aws-sdk/client-xray";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { newSyncStats } from "@/lib/aws/clients";
import { bucketRange, collectRegion, DEFAULT_COLLECT_TUNING } from "@/lib/servicemap/collect/collect-region";
import { ACCOUNT_ID, REGION, serveFakeXray, stats, syntheticGraph, type TFakeXrayWorld } from "@/lib/testing/aws/fake-xray";
import { batchGetTraces, graphFromServices, isTransactionSearchOn } from "@/lib/servicemap/collect/xray";

const xray = mockClient(XRayClient);
const client = new XRayClient({ region: REGION });
const NOW = new Date("2026-11-02T10:03:00Z");
const graph = syntheticGraph({ nodes: 30, edges: 60, seed: 3 });
let world: TFakeXrayWorld;

beforeEach(() => {
  xray.reset();
  world = {
    groups: [
      { GroupName: "Default", GroupARN: `arn:aws:xray:${REGION}:${ACCOUNT_ID}:group/Default` },
      { GroupName: "checkout", GroupARN: `arn:aws:xray:${REGION}:${ACCOUNT_ID}:group/checkout/ABC`, FilterExpression: 'service("cart")' },
    ],
    graph: (group, start) => (group === "Default" ? graph.services(start) : graph.services(start).slice(0, 3)),
    pageSize: 12,
  };
  serveFakeXray(xray, world);
});

const collect = (cursors?: Parameters<typeof collectRegion>[0]["cursors"]) =>
  collectRegion({ client, accountId: ACCOUNT_ID, region: REGION, stats: newSyncStats(), now: NOW, backfillMs: 3600_000, cursors });

describe("bucketRange", () => {
  it("reads from the cursor to the last bucket X-Ray has finished, capped per run", () => {
    const tuning = { ...DEFAULT_COLLECT_TUNING, backfillMs: 3 * 3600_000, maxBucketsPerRun: 6 };
    expect(bucketRange(new Date("2026-11-02T09:40:00Z"), NOW, tuning)).toEqual({ from: new Date("2026-11-02T09:40:00Z"), to: new Date("2026-11-02T10:00:00Z") });
    // First run: the backfill, at most 6 buckets of it.
    expect(bucketRange(undefined, NOW, tuning)).toEqual({ from: new Date("2026-11-02T07:00:00Z"), to: new Date("2026-11-02T07:30:00Z") });
    // Up to date: nothing to read.
    const upToDate = bucketRange(new Date("2026-11-02T10:00:00Z"), NOW, tuning);
    expect(upToDate.from).toEqual(upToDate.to);
  });
});

describe("collectRegion", () => {
  it("reads each group's graph in 5-minute buckets, every page of each", async () => {
    const result = await collect({ graphs: new Map([["checkout", new Date("2026-11-02T09:50:00Z")]]), traces: null });
    expect(result.failures).toEqual([]);
    const [all, checkout] = result.graphs;
    expect(all!.buckets).toHaveLength(12);
    expect(checkout!.buckets).toHaveLength(2);
    // 30 services in pages of 12: 3 calls per Default bucket; 1 per checkout bucket.
    const calls = xray.commandCalls(GetServiceGraphCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(12 * 3 + 2);
    expect(calls.filter((c) => c.GroupARN?.includes("checkout")).every((c) => c.EndTime!.getTime() - c.StartTime!.getTime() === 300_000)).toBe(true);
    expect(calls.some((c) => c.GroupARN === undefined && c.GroupName === undefined)).toBe(true);
    expect(all!.buckets[0]!.nodes).toHaveLength(30);
    expect(all!.buckets[0]!.edges).toHaveLength(60);
  });

  it("keeps the other groups when one fails", async () => {
    xray.on(GetServiceGraphCommand, { GroupARN: world.groups[1]!.GroupARN }).rejects(
      new XRayServiceException({ name: "InvalidRequestException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Group not found" }),
    );
    const result = await collect();
    expect(result.graphs.map((g) => g.group.name)).toEqual(["Default"]);
    expect(result.failures).toEqual([{ part: "group checkout", error: "HTTP 400 InvalidRequestException: Group not found" }]);
  });

  it("reads faulty, failing, throttled and slow traces with a filter expression, newest pages first", async () => {
    world.traces = Array.from({ length: 7 }, (_, i) => ({
      Id: `1-${(Date.parse("2026-11-02T09:30:00Z") / 1000 + i * 60).toString(16)}-${String(i).padStart(24, "0")}`,
      StartTime: new Date(Date.parse("2026-11-02T09:30:00Z") + i * 60_000),
      Duration: 1.5,
      ResponseTime: 1.4,
      HasFault: i % 2 === 0,
      HasError: false,
      HasThrottle: false,
      Http: { HttpMethod: "GET", HttpURL: "https://api/x", HttpStatus: i % 2 === 0 ? 502 : 200 },
      EntryPoint: { Name: "svc-001", Type: "AWS::ECS::Container" },
      Annotations: { tenant: [{ AnnotationValue: { StringValue: "acme" } }] },
    }) satisfies TraceSummary);
    world.tracePageSize = 3;
    const result = await collect();
    const input = xray.commandCalls(GetTraceSummariesCommand)[0]!.args[0].input;
    expect(input.FilterExpression).toBe("fault = true OR error = true OR throttle = true OR responsetime > 1");
    expect(xray.commandCalls(GetTraceSummariesCommand)).toHaveLength(3);
    expect(result.traces?.summaries).toHaveLength(7);
    expect(result.traces?.summaries[0]).toMatchObject({ reason: "fault", httpStatus: 502, entryPoint: { name: "svc-001" }, annotations: { tenant: ["acme"] }, durationMs: 1500 });
    expect(result.traces?.summaries[1]?.reason).toBe("slow");
  });
});

describe("graphFromServices", () => {
  it("splits 4xx into errors and throttles and resolves edges by reference id", () => {
    const s = stats(100, 0.05, { error: 0.05, throttle: 0.02, fault: 0.03 });
    const { nodes, edges } = graphFromServices([
      { ReferenceId: 0, Name: "web", Type: "client", Edges: [{ ReferenceId: 1, SummaryStatistics: s.summary, ResponseTimeHistogram: s.histogram }] },
      { ReferenceId: 1, Name: "api", Type: "AWS::ECS::Container", SummaryStatistics: s.summary, ResponseTimeHistogram: s.histogram, Edges: [{ ReferenceId: 9 }] },
    ]);
    expect(nodes.map((n) => [n.name, n.stats && { r: n.stats.requests, e: n.stats.errors, t: n.stats.throttles, f: n.stats.faults }])).toEqual([
      ["web", null],
      ["api", { r: 100, e: 5, t: 2, f: 3 }],
    ]);
    // The edge to an unknown reference is dropped.
    expect(edges.map((e) => `${e.source.name}>${e.target.name}`)).toEqual(["web>api"]);
  });
});

describe("batchGetTraces", () => {
  it("asks for at most 5 trace ids a call", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `1-5f000000-${String(i).padStart(24, "0")}`);
    world.fullTraces = ids.map((Id) => ({ Id, Duration: 0.2, Segments: [{ Id: "s", Document: JSON.stringify({ id: "s", name: "api", start_time: 1, end_time: 1.2 }) }] }));
    const traces = await batchGetTraces(client, ids);
    expect(xray.commandCalls(BatchGetTracesCommand).map((c) => c.args[0].input.TraceIds!.length)).toEqual([5, 5, 2]);
    expect(traces).toHaveLength(12);
  });

  it("finds nothing when Transaction Search is on, and the destination says why", async () => {
    world.isTransactionSearchOn = true;
    serveFakeXray(xray, world);
    expect(await batchGetTraces(client, ["1-5f000000-000000000000000000000001"])).toEqual([]);
    expect(await isTransactionSearchOn(client)).toBe(true);
  });
});
