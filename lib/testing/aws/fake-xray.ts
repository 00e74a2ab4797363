/**
 * For tests and the benchmark: SDK-typed X-Ray data, and an in-memory X-Ray
 * behind aws-sdk-client-mock that pages like the real API.
 */
import {
  BatchGetTracesCommand,
  GetGroupsCommand,
  GetServiceGraphCommand,
  GetTraceSegmentDestinationCommand,
  GetTraceSummariesCommand,
  type BatchGetTracesResult,
  type GetGroupsResult,
  type GetServiceGraphResult,
  type GetTraceSummariesResult,
  type GroupSummary,
  type Service,
  type Trace,
  type TraceSummary,
  type XRayClient,
} from "@aws-sdk/client-xray";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { Random } from "@/lib/seed/random";

export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";

export interface TFakeXrayWorld {
  groups: GroupSummary[];
  /** The graph of a group for [start, end). */
  graph: (groupName: string, start: Date, end: Date) => Service[];
  /** Services per GetServiceGraph page (X-Ray does not document its page size). */
  pageSize?: number;
  traces?: TraceSummary[];
  /** Trace summaries per page. */
  tracePageSize?: number;
  fullTraces?: Trace[];
  isTransactionSearchOn?: boolean;
}

function page<T>(items: readonly T[], token: string | undefined, size: number): { items: T[]; next: string | undefined } {
  const offset = token ? Number(token) : 0;
  const end = offset + size;
  return { items: items.slice(offset, end), next: end < items.length ? String(end) : undefined };
}

export function serveFakeXray(mock: AwsClientStub<XRayClient>, world: TFakeXrayWorld): void {
  mock.on(GetGroupsCommand).callsFake((input: { NextToken?: string }) => {
    const { items, next } = page(world.groups, input.NextToken, 10);
    return { Groups: items, NextToken: next } satisfies GetGroupsResult;
  });
  mock.on(GetServiceGraphCommand).callsFake((input: { StartTime: Date; EndTime: Date; GroupName?: string; GroupARN?: string; NextToken?: string }) => {
    const groupName = input.GroupName ?? world.groups.find((g) => g.GroupARN === input.GroupARN)?.GroupName ?? "Default";
    const { items, next } = page(world.graph(groupName, input.StartTime, input.EndTime), input.NextToken, world.pageSize ?? 100);
    return { StartTime: input.StartTime, EndTime: input.EndTime, Services: items, ContainsOldGroupVersions: false, NextToken: next } satisfies GetServiceGraphResult;
  });
  mock.on(GetTraceSummariesCommand).callsFake((input: { StartTime: Date; EndTime: Date; NextToken?: string }) => {
    const inWindow = (world.traces ?? []).filter((t) => t.StartTime && t.StartTime >= input.StartTime && t.StartTime < input.EndTime);
    // The first page holds the most recent traces.
    inWindow.sort((a, b) => b.StartTime!.getTime() - a.StartTime!.getTime());
    const { items, next } = page(inWindow, input.NextToken, world.tracePageSize ?? 100);
    return { TraceSummaries: items, TracesProcessedCount: items.length, NextToken: next } satisfies GetTraceSummariesResult;
  });
  mock.on(BatchGetTracesCommand).callsFake((input: { TraceIds: string[] }) => {
    if (input.TraceIds.length > 5) throw new Error("BatchGetTraces takes at most 5 trace ids");
    if (world.isTransactionSearchOn) return { Traces: [], UnprocessedTraceIds: [] } satisfies BatchGetTracesResult;
    const found = (world.fullTraces ?? []).filter((t) => t.Id && input.TraceIds.includes(t.Id));
    return { Traces: found, UnprocessedTraceIds: input.TraceIds.filter((id) => !found.some((t) => t.Id === id)) } satisfies BatchGetTracesResult;
  });
  mock.on(GetTraceSegmentDestinationCommand).resolves(world.isTransactionSearchOn ? { Destination: "CloudWatchLogs", Status: "ACTIVE" } : { Destination: "XRay", Status: "ACTIVE" });
}

/** Statistics for `requests` requests of which a share errs, faults and is throttled; mean latency `meanSeconds`. */
export function stats(requests: number, meanSeconds: number, rates: { error?: number; fault?: number; throttle?: number } = {}) {
  const faults = Math.round(requests * (rates.fault ?? 0));
  const throttles = Math.round(requests * (rates.throttle ?? 0));
  const otherErrors = Math.round(requests * (rates.error ?? 0));
  const slow = Math.round(requests * 0.05);
  return {
    summary: {
      OkCount: requests - faults - throttles - otherErrors,
      ErrorStatistics: { ThrottleCount: throttles, OtherCount: otherErrors, TotalCount: throttles + otherErrors },
      FaultStatistics: { OtherCount: faults, TotalCount: faults },
      TotalCount: requests,
      TotalResponseTime: Number((requests * meanSeconds).toFixed(6)),
    },
    histogram: [
      { Value: Number((meanSeconds * 0.8).toFixed(4)), Count: requests - slow },
      { Value: Number((meanSeconds * 4.8).toFixed(4)), Count: slow },
    ],
  };
}

export interface TSyntheticGraphOptions {
  nodes: number;
  edges: number;
  seed?: number;
  /** Requests per bucket at the busiest node. */
  peakRequests?: number;
  /** Prefix of every node name (tests sharing a database keep theirs apart). */
  prefix?: string;
}

export interface TSyntheticNode {
  name: string;
  type: string;
}

/**
 * A layered graph of `nodes` nodes (one client, services, data stores) and
 * `edges` edges, calls going "down" only, with traffic that varies by
 * bucket. Deterministic for a seed and a bucket start.
 */
export function syntheticGraph(options: TSyntheticGraphOptions) {
  const rng = new Random(options.seed ?? 7);
  const storeTypes = ["AWS::DynamoDB::Table", "AWS::RDS::DBInstance", "AWS::SQS::Queue", "AWS::S3::Bucket"];
  const storeCount = Math.max(1, Math.round(options.nodes / 5));
  const serviceCount = options.nodes - 1 - storeCount;
  const p = options.prefix ?? "";
  const nodes: TSyntheticNode[] = [{ name: `${p}clients`, type: "client" }];
  for (let i = 0; i < serviceCount; i++) nodes.push({ name: `${p}svc-${String(i + 1).padStart(3, "0")}`, type: i % 3 === 0 ? "AWS::Lambda::Function" : "AWS::ECS::Container" });
  for (let i = 0; i < storeCount; i++) nodes.push({ name: `${p}store-${String(i + 1).padStart(3, "0")}`, type: storeTypes[i % storeTypes.length]! });
  const edgeKeys = new Set<string>();
  const edges: [number, number][] = [];
  const add = (a: number, b: number) => {
    const key = `${a}>${b}`;
    if (a === b || edgeKeys.has(key)) return false;
    edgeKeys.add(key);
    edges.push([a, b]);
    return true;
  };
  // Every service is reached: from the client or an earlier service.
  for (let i = 1; i <= serviceCount && edges.length < options.edges; i++) add(i <= Math.max(1, Math.round(serviceCount / 10)) ? 0 : rng.int(1, i - 1), i);
  // Every store is used by some service.
  for (let s = serviceCount + 1; s < options.nodes && edges.length < options.edges; s++) add(rng.int(1, serviceCount), s);
  let guard = 0;
  while (edges.length < options.edges && guard++ < options.edges * 20) {
    const a = rng.int(1, serviceCount);
    const b = rng.chance(0.6) ? rng.int(a, serviceCount) : rng.int(serviceCount + 1, options.nodes - 1);
    add(a, b);
  }
  const weight = nodes.map(() => 0.2 + rng.next());
  const peak = options.peakRequests ?? 600;

  /** The services of one bucket, as GetServiceGraph returns them. */
  function services(start: Date): Service[] {
    const local = new Random(Math.floor(start.getTime() / 1000) ^ (options.seed ?? 7));
    const hour = start.getUTCHours();
    const diurnal = 0.5 + 0.5 * Math.sin(((hour - 6) / 24) * 2 * Math.PI) ** 2;
    const out: Service[] = nodes.map((n, i) => {
      const requests = Math.round(peak * weight[i]! * diurnal * (0.8 + local.next() * 0.4));
      const s = stats(requests, 0.02 + weight[i]! * 0.1, { error: 0.01 * local.next(), fault: local.chance(0.03) ? 0.05 : 0.001, throttle: local.chance(0.02) ? 0.02 : 0 });
      return {
        ReferenceId: i,
        Name: n.name,
        Names: [n.name],
        Type: n.type,
        AccountId: ACCOUNT_ID,
        Root: i === 0 ? undefined : i <= serviceCount,
        StartTime: start,
        EndTime: new Date(start.getTime() + 300_000),
        Edges: [],
        ...(n.type === "client" ? {} : { SummaryStatistics: s.summary, ResponseTimeHistogram: s.histogram }),
      } satisfies Service;
    });
    for (const [a, b] of edges) {
      const requests = Math.round(peak * weight[b]! * diurnal * 0.5);
      const s = stats(requests, 0.01 + weight[b]! * 0.08, { error: 0.005, fault: 0.001 });
      out[a]!.Edges!.push({ ReferenceId: b, StartTime: start, EndTime: new Date(start.getTime() + 300_000), SummaryStatistics: s.summary, ResponseTimeHistogram: s.histogram, Aliases: [] });
    }
    return out;
  }

  return { nodes, edges, services };
}
