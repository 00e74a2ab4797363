/**
 * The X-Ray collector's own shapes: what it reads from X-Ray, reshaped, and
 * hands over to be stored. No SDK type appears here.
 */
import type { TLatencyHistogram } from "@/lib/servicemap/histogram";

/** The service graph is read in fixed buckets of this many seconds. */
export const BUCKET_SECONDS = 300;
export const HOUR_SECONDS = 3600;

export interface TGraphStats {
  requests: number;
  /** 4xx other than 429. */
  errors: number;
  /** 5xx. */
  faults: number;
  /** 429. */
  throttles: number;
  /** Seconds, summed over requests. */
  totalResponseTime: number;
  histogram: TLatencyHistogram;
}

/** A node is known by its name and type within an account × region × group. */
export interface TNodeKey {
  name: string;
  type: string;
}

export interface TGraphNode extends TNodeKey {
  /** Null for nodes X-Ray infers without statistics of their own (clients, some remote resources). */
  stats: TGraphStats | null;
}

export interface TGraphEdge {
  source: TNodeKey;
  target: TNodeKey;
  stats: TGraphStats;
}

/** One bucket of one group's service graph: every node and edge with traffic in it. */
export interface TGraphBucket {
  start: Date;
  seconds: number;
  nodes: TGraphNode[];
  edges: TGraphEdge[];
}

export interface TXrayGroup {
  name: string;
  arn: string | null;
  filterExpression: string | null;
}

export type TTraceReason = "fault" | "error" | "throttle" | "slow";

export interface TTraceSummaryRecord {
  traceId: string;
  startedAt: Date;
  durationMs: number;
  responseMs: number | null;
  hasFault: boolean;
  hasError: boolean;
  hasThrottle: boolean;
  httpMethod: string | null;
  httpUrl: string | null;
  httpStatus: number | null;
  /** Annotation name → values, as strings/numbers/booleans. */
  annotations: Record<string, (string | number | boolean)[]>;
  /** The service the request entered through. */
  entryPoint: TNodeKey | null;
  /** Every service the trace went through. */
  services: TNodeKey[];
  reason: TTraceReason;
}

/** A trace's segments as X-Ray returns them: the raw segment documents (JSON strings). */
export interface TRawTrace {
  traceId: string;
  durationSeconds: number | null;
  isLimitExceeded: boolean;
  documents: string[];
}
