/**
 * The X-Ray adapter: SDK calls (with the SDK's paginators where X-Ray pages)
 * reshaped into the collector's own types. Documented limits kept here:
 * - GetServiceGraph and GetTraceSummaries take a window of at most 6 hours;
 *   the collector asks for one 5-minute bucket at a time, and trace summaries
 *   in windows no longer than MAX_QUERY_WINDOW_MS.
 * - Both page with NextToken (GetTraceSummaries' first page holds the most
 *   recent traces), so reads of a busy hour are capped by maxPages.
 * - BatchGetTraces takes at most 5 trace ids a call, and pages too.
 * - With CloudWatch Transaction Search on, spans go to CloudWatch Logs and
 *   BatchGetTraces finds nothing: GetTraceSegmentDestination says so.
 */
import {
  BatchGetTracesCommand,
  GetTraceSegmentDestinationCommand,
  paginateGetGroups,
  paginateGetServiceGraph,
  paginateGetTraceSummaries,
  type EdgeStatistics,
  type HistogramEntry,
  type Service,
  type ServiceStatistics,
  type TraceSummary,
  XRayClient,
} from "@aws-sdk/client-xray";
import { awsClients, newSyncStats, type TAwsAccountRef } from "@/lib/aws/clients";
import { histogramFromSeconds } from "@/lib/servicemap/histogram";
import type {
  TGraphBucket,
  TGraphEdge,
  TGraphNode,
  TGraphStats,
  TNodeKey,
  TRawTrace,
  TTraceReason,
  TTraceSummaryRecord,
  TXrayGroup,
} from "@/lib/servicemap/collect/types";

export type { XRayClient };

/** A client for an on-demand read (one trace's segments) in an account × region, with the process's cached credentials. */
export function xrayClientFor(account: TAwsAccountRef, region: string): XRayClient {
  return awsClients().create(XRayClient, { account, region, stats: newSyncStats() });
}

export const MAX_QUERY_WINDOW_MS = 6 * 3600_000;
export const BATCH_GET_TRACES_LIMIT = 5;
export const DEFAULT_GROUP = "Default";

export async function listGroups(client: XRayClient): Promise<TXrayGroup[]> {
  const groups: TXrayGroup[] = [];
  for await (const page of paginateGetGroups({ client }, {})) {
    for (const g of page.Groups ?? []) {
      if (g.GroupName) groups.push({ name: g.GroupName, arn: g.GroupARN ?? null, filterExpression: g.FilterExpression ?? null });
    }
  }
  // The Default group (all traces) exists in every account, listed or not.
  if (!groups.some((g) => g.name === DEFAULT_GROUP)) groups.unshift({ name: DEFAULT_GROUP, arn: null, filterExpression: null });
  return groups;
}

function histogram(entries: readonly HistogramEntry[] | undefined) {
  return histogramFromSeconds((entries ?? []).map((e) => [e.Value ?? 0, e.Count ?? 0] as const));
}

function statsOf(s: ServiceStatistics | EdgeStatistics | undefined, entries: readonly HistogramEntry[] | undefined): TGraphStats {
  const throttles = s?.ErrorStatistics?.ThrottleCount ?? 0;
  const errorsTotal = s?.ErrorStatistics?.TotalCount ?? 0;
  return {
    requests: s?.TotalCount ?? 0,
    errors: Math.max(0, errorsTotal - throttles),
    faults: s?.FaultStatistics?.TotalCount ?? 0,
    throttles,
    totalResponseTime: s?.TotalResponseTime ?? 0,
    histogram: histogram(entries),
  };
}

const keyOf = (s: Pick<Service, "Name" | "Type">): TNodeKey => ({ name: s.Name ?? "(unnamed)", type: s.Type ?? "unknown" });

/** Reshapes the services of one graph (all pages) into nodes and edges. */
export function graphFromServices(services: readonly Service[]): Pick<TGraphBucket, "nodes" | "edges"> {
  const byReference = new Map<number, TNodeKey>();
  for (const s of services) if (s.ReferenceId !== undefined) byReference.set(s.ReferenceId, keyOf(s));
  const nodes = new Map<string, TGraphNode>();
  const edges: TGraphEdge[] = [];
  for (const s of services) {
    const key = keyOf(s);
    const id = `${key.type}\u0000${key.name}`;
    if (!nodes.has(id)) nodes.set(id, { ...key, stats: s.SummaryStatistics ? statsOf(s.SummaryStatistics, s.ResponseTimeHistogram) : null });
    for (const e of s.Edges ?? []) {
      const target = e.ReferenceId === undefined ? undefined : byReference.get(e.ReferenceId);
      if (!target) continue;
      edges.push({ source: key, target, stats: statsOf(e.SummaryStatistics, e.ResponseTimeHistogram) });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

export interface TReadGraphOptions {
  client: XRayClient;
  start: Date;
  seconds: number;
  group: TXrayGroup;
}

/** One bucket of a group's service graph, every page of it. */
export async function readServiceGraph({ client, start, seconds, group }: TReadGraphOptions): Promise<TGraphBucket> {
  const services: Service[] = [];
  const input = {
    StartTime: start,
    EndTime: new Date(start.getTime() + seconds * 1000),
    ...(group.name === DEFAULT_GROUP ? {} : group.arn ? { GroupARN: group.arn } : { GroupName: group.name }),
  };
  for await (const page of paginateGetServiceGraph({ client }, input)) services.push(...(page.Services ?? []));
  return { start, seconds, ...graphFromServices(services) };
}

export interface TTraceFilterOptions {
  /** Traces slower than this (seconds) are kept too. */
  slowSeconds: number;
}

/** Faults, errors, throttles and slow requests: what a person opens a trace for. */
export function traceFilterExpression({ slowSeconds }: TTraceFilterOptions): string {
  return `fault = true OR error = true OR throttle = true OR responsetime > ${slowSeconds}`;
}

function reasonOf(t: TraceSummary): TTraceReason {
  if (t.HasFault) return "fault";
  if (t.HasThrottle) return "throttle";
  if (t.HasError) return "error";
  return "slow";
}

export function traceSummaryRecord(t: TraceSummary): TTraceSummaryRecord | null {
  if (!t.Id) return null;
  const annotations: TTraceSummaryRecord["annotations"] = {};
  for (const [name, values] of Object.entries(t.Annotations ?? {})) {
    annotations[name] = values
      .map((v) => v.AnnotationValue?.StringValue ?? v.AnnotationValue?.NumberValue ?? v.AnnotationValue?.BooleanValue)
      .filter((v): v is string | number | boolean => v !== undefined);
  }
  const node = (s: { Name?: string; Type?: string } | undefined): TNodeKey | null => (s?.Name ? { name: s.Name, type: s.Type ?? "unknown" } : null);
  return {
    traceId: t.Id,
    startedAt: t.StartTime ?? idTime(t.Id) ?? new Date(0),
    durationMs: (t.Duration ?? 0) * 1000,
    responseMs: t.ResponseTime === undefined ? null : t.ResponseTime * 1000,
    hasFault: t.HasFault ?? false,
    hasError: t.HasError ?? false,
    hasThrottle: t.HasThrottle ?? false,
    httpMethod: t.Http?.HttpMethod ?? null,
    httpUrl: t.Http?.HttpURL ?? null,
    httpStatus: t.Http?.HttpStatus ?? null,
    annotations,
    entryPoint: node(t.EntryPoint),
    services: (t.ServiceIds ?? []).map(node).filter((n): n is TNodeKey => n !== null),
    reason: reasonOf(t),
  };
}

/** X-Ray trace ids start with the epoch seconds of the request: 1-5759e988-bd862e3fe1be46a994272793. */
export function idTime(traceId: string): Date | null {
  const match = /^1-([0-9a-f]{8})-/.exec(traceId);
  return match ? new Date(parseInt(match[1]!, 16) * 1000) : null;
}

export interface TReadTraceSummariesOptions extends TTraceFilterOptions {
  client: XRayClient;
  start: Date;
  end: Date;
  /** Pages read at most per window (the newest first). */
  maxPages: number;
}

/** Trace summaries worth keeping between start and end, in windows of at most 6 hours. */
export async function readTraceSummaries(options: TReadTraceSummariesOptions): Promise<TTraceSummaryRecord[]> {
  const out: TTraceSummaryRecord[] = [];
  for (let from = options.start.getTime(); from < options.end.getTime(); from += MAX_QUERY_WINDOW_MS) {
    const to = Math.min(from + MAX_QUERY_WINDOW_MS, options.end.getTime());
    let pages = 0;
    const input = { StartTime: new Date(from), EndTime: new Date(to), FilterExpression: traceFilterExpression(options), Sampling: false };
    for await (const page of paginateGetTraceSummaries({ client: options.client }, input)) {
      for (const t of page.TraceSummaries ?? []) {
        const record = traceSummaryRecord(t);
        if (record) out.push(record);
      }
      if (++pages >= options.maxPages) break;
    }
  }
  return out;
}

/** Full traces, at most 5 ids a call, every page of each call. Ids X-Ray does not return are simply absent. */
export async function batchGetTraces(client: XRayClient, traceIds: readonly string[]): Promise<TRawTrace[]> {
  const out: TRawTrace[] = [];
  for (let i = 0; i < traceIds.length; i += BATCH_GET_TRACES_LIMIT) {
    const ids = traceIds.slice(i, i + BATCH_GET_TRACES_LIMIT);
    let nextToken: string | undefined;
    do {
      const page = await client.send(new BatchGetTracesCommand({ TraceIds: ids, ...(nextToken ? { NextToken: nextToken } : {}) }));
      for (const t of page.Traces ?? []) {
        if (!t.Id) continue;
        const documents = (t.Segments ?? []).map((s) => s.Document).filter((d): d is string => typeof d === "string");
        const existing = out.find((o) => o.traceId === t.Id);
        if (existing) existing.documents.push(...documents);
        else out.push({ traceId: t.Id, durationSeconds: t.Duration ?? null, isLimitExceeded: t.LimitExceeded ?? false, documents });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return out;
}

/** True when spans go to CloudWatch Logs (Transaction Search), where BatchGetTraces cannot find them. */
export async function isTransactionSearchOn(client: XRayClient): Promise<boolean> {
  const result = await client.send(new GetTraceSegmentDestinationCommand({}));
  return result.Destination === "CloudWatchLogs";
}
