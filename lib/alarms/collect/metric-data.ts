/**
 * GetMetricData for many metrics at once: queries from several requests
 * (alarms) share calls, up to 500 a call, each call waiting for a token of
 * the account × region's bucket (50 TPS, GetMetricData's documented limit).
 * Ids are rewritten so that requests never collide, then mapped back.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { getMetricData, MAX_QUERIES_PER_CALL, type TMetricQuery, type TMetricSeries } from "@/lib/alarms/collect/cloudwatch";
import { createTokenBuckets, type TTokenBuckets } from "@/lib/aws/token-bucket";

/** GetMetricData's quota per account and region. */
export const GET_METRIC_DATA_TPS = 50;

let processBuckets: TTokenBuckets | undefined;
/**
 * One bucket per account × region for the whole process. No burst: calls at
 * least 20 ms apart, so no one-second window ever holds more than 50 (a
 * burst of 50 would allow nearly 100 in the first second).
 */
export function metricDataBuckets(): TTokenBuckets {
  processBuckets ??= createTokenBuckets({ ratePerSecond: GET_METRIC_DATA_TPS, burst: 1 });
  return processBuckets;
}

export interface TMetricRequest {
  key: string;
  queries: readonly TMetricQuery[];
}

export interface TBatchedMetricDataOptions {
  client: CloudWatchClient;
  /** The account × region the client is for: the rate limit's key. */
  bucketKey: string;
  requests: readonly TMetricRequest[];
  start: Date;
  end: Date;
  buckets?: TTokenBuckets;
}

/**
 * Series per request key (the queries that return data), in as few calls as
 * the 500-query limit allows. A request's queries never straddle two calls:
 * a metric math expression must travel with the metrics it reads.
 */
export async function getBatchedMetricData({ client, bucketKey, requests, start, end, buckets = metricDataBuckets() }: TBatchedMetricDataOptions): Promise<Map<string, TMetricSeries[]>> {
  const renamed: { key: string; originalId: string; query: TMetricQuery }[][] = [];
  let batch: { key: string; originalId: string; query: TMetricQuery }[] = [];
  requests.forEach((request, r) => {
    if (request.queries.length > MAX_QUERIES_PER_CALL) throw new RangeError(`one request has ${request.queries.length} queries; GetMetricData takes ${MAX_QUERIES_PER_CALL}`);
    if (batch.length + request.queries.length > MAX_QUERIES_PER_CALL) {
      renamed.push(batch);
      batch = [];
    }
    // Ids must start with a lower-case letter and be unique in a call; an expression names the ids of its own request.
    const prefix = `r${r}_`;
    for (const q of request.queries) {
      const expression = q.expression?.replace(/\b([a-z][a-zA-Z0-9_]*)\b/g, (word) => (request.queries.some((o) => o.id === word) ? `${prefix}${word}` : word)) ?? null;
      batch.push({ key: request.key, originalId: q.id, query: { ...q, id: `${prefix}${q.id}`, expression } });
    }
  });
  if (batch.length) renamed.push(batch);

  const out = new Map<string, TMetricSeries[]>(requests.map((r) => [r.key, []]));
  for (const call of renamed) {
    const series = await getMetricData(client, { queries: call.map((c) => c.query), start, end, beforeCall: () => buckets.take(bucketKey) });
    const byId = new Map(call.map((c) => [c.query.id, c]));
    for (const s of series) {
      const source = byId.get(s.id);
      if (source) out.get(source.key)!.push({ ...s, id: source.originalId });
    }
  }
  return out;
}
