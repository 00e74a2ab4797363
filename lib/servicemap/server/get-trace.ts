import "server-only";
import { describeAwsError, type TAwsAccountRef } from "@/lib/aws/clients";
import { getPool } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { batchGetTraces, isTransactionSearchOn, xrayClientFor, type XRayClient } from "@/lib/servicemap/collect/xray";
import { buildWaterfall, type TSpan } from "@/lib/servicemap/trace-waterfall";

export interface TTraceDetail {
  traceId: string;
  accountId: string;
  region: string;
  /** ok: the segments are here. transaction-search: the account sends spans to CloudWatch Logs, which BatchGetTraces cannot read. expired: X-Ray no longer has it (30 days). */
  status: "ok" | "transaction-search" | "expired";
  summary: {
    startedAt: string;
    durationMs: number;
    hasFault: boolean;
    hasError: boolean;
    hasThrottle: boolean;
    httpMethod: string | null;
    httpUrl: string | null;
    httpStatus: number | null;
    reason: string | null;
    entryPoint: string | null;
    service: { slug: string; name: string } | null;
  };
  spans: TSpan[];
  isTruncated: boolean;
  fetchedAt: string;
}

export const ZTraceIdPattern = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/** Full traces do not change once complete: a short in-process cache keeps a page reload from another AWS call. */
const CACHE_MS = 10 * 60_000;
const CACHE_SIZE = 200;
const cache = new Map<string, { at: number; value: TTraceDetail }>();

export type TCreateXrayClient = (account: TAwsAccountRef, region: string) => XRayClient;

/**
 * One trace: the stored summary says which account and region it lives in;
 * its segments come from BatchGetTraces on demand, cached for a few minutes.
 */
export async function getTrace({ traceId, createClient = xrayClientFor }: { traceId: string; createClient?: TCreateXrayClient }): Promise<TTraceDetail> {
  if (!ZTraceIdPattern.test(traceId)) throw new AppError("INVALID_INPUT", "A trace id looks like 1-5759e988-bd862e3fe1be46a994272793.");
  const { rows } = await getPool().query<{
    accountId: string;
    roleArn: string | null;
    externalId: string | null;
    region: string;
    startedAt: Date;
    durationMs: number;
    hasFault: boolean;
    hasError: boolean;
    hasThrottle: boolean;
    httpMethod: string | null;
    httpUrl: string | null;
    httpStatus: number | null;
    reason: string | null;
    entryPoint: string | null;
    serviceSlug: string | null;
    serviceName: string | null;
  }>(
    `SELECT a."accountId", a."roleArn", a."externalId", t.region, t."startedAt" AT TIME ZONE 'UTC' AS "startedAt", t."durationMs", t."hasFault", t."hasError",
            t."hasThrottle", t."httpMethod", t."httpUrl", t."httpStatus", t.reason, t."entryPoint", s.slug AS "serviceSlug", s.name AS "serviceName"
     FROM "TraceSummary" t JOIN "AwsAccount" a ON a.id = t."awsAccountId" LEFT JOIN "Service" s ON s.id = t."serviceId"
     WHERE t."traceId" = $1 ORDER BY t."startedAt" DESC LIMIT 1`,
    [traceId],
  );
  const row = rows[0];
  if (!row) throw new AppError("NOT_FOUND", `No trace ${traceId} among the collected trace summaries.`);
  const key = `${row.accountId}|${row.region}|${traceId}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;

  const client = createClient({ accountId: row.accountId, roleArn: row.roleArn, externalId: row.externalId }, row.region);
  let status: TTraceDetail["status"] = "ok";
  let waterfall: ReturnType<typeof buildWaterfall> = { spans: [], startedAt: null, durationMs: 0, isTruncated: false };
  try {
    const [trace] = await batchGetTraces(client, [traceId]);
    if (trace && trace.documents.length > 0) waterfall = buildWaterfall(trace.documents);
    else status = (await isTransactionSearchOn(client)) ? "transaction-search" : "expired";
  } catch (error) {
    log.warn({ err: error, traceId, accountId: row.accountId, region: row.region }, "BatchGetTraces failed");
    throw new AppError("UPSTREAM", `X-Ray could not return trace ${traceId}: ${describeAwsError(error)}.`, { cause: error });
  }
  const value: TTraceDetail = {
    traceId,
    accountId: row.accountId,
    region: row.region,
    status,
    summary: {
      startedAt: row.startedAt.toISOString(),
      durationMs: row.durationMs,
      hasFault: row.hasFault,
      hasError: row.hasError,
      hasThrottle: row.hasThrottle,
      httpMethod: row.httpMethod,
      httpUrl: row.httpUrl,
      httpStatus: row.httpStatus,
      reason: row.reason,
      entryPoint: row.entryPoint,
      service: row.serviceSlug ? { slug: row.serviceSlug, name: row.serviceName ?? row.serviceSlug } : null,
    },
    spans: waterfall.spans,
    isTruncated: waterfall.isTruncated,
    fetchedAt: new Date().toISOString(),
  };
  // Only complete answers are kept: a trace still in progress may grow.
  if (status === "ok" && !waterfall.spans.some((s) => s.isInProgress)) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, { at: Date.now(), value });
  }
  return value;
}
