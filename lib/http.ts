import { randomUUID } from "node:crypto";
import type { ZodError, z } from "zod";
import { env } from "@/lib/env";
import { AppError, isAppError, type TErrorBody } from "@/lib/errors";
import { log, type TLogger } from "@/lib/log";

export interface TRequestContext {
  requestId: string;
  log: TLogger;
  ip: string | null;
}

export type TRouteParams = Record<string, string | string[] | undefined>;

export type TApiHandler<P extends TRouteParams = TRouteParams> = (
  request: Request,
  ctx: TRequestContext & { params: P },
) => Promise<Response>;

type TNextRouteContext<P> = { params: Promise<P> };

export function jsonResponse(body: unknown, init?: ResponseInit & { requestId?: string }): Response {
  const headers = new Headers(init?.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  if (init?.requestId) headers.set("x-request-id", init.requestId);
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** Seconds a client is told to wait before trying again while the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Node's socket errors that mean the database server cannot be reached or went away. */
const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
/**
 * PostgreSQL's: 57P01–57P03 (the server is shutting down, crashed, or cannot take connections yet), 53300 (too many
 * connections). Class 08 (connection exceptions) is matched by its prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
/** Prisma's: P1001 cannot reach, P1002 timed out, P1017 the server closed the connection, P2024 no pool connection in time. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
/** The driver adapter's kinds for the same (@prisma/adapter-pg). */
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** node-postgres's own words when a connection fails or drops (they carry no code). */
const PG_CONNECTION_MESSAGES = [/^Connection terminated/, /^timeout exceeded when trying to connect/, /connection error and is not queryable/];

/**
 * Whether an error means the database cannot be reached (down, restarting, refusing connections): as node-postgres
 * raises it on the hot paths (the socket's error itself, or the server's SQLSTATE), or as Prisma wraps it (the driver
 * adapter's error under `meta.driverAdapterError`, with the adapter's kind or the server's code as its `cause`). Only
 * those wrappings are looked into, so that a refused connection elsewhere (a catalog URL, an AWS endpoint) is not
 * taken for the database's. Such a request may succeed later: the answer is 503 with Retry-After.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const e = error as { name?: unknown; code?: unknown; kind?: unknown; originalCode?: unknown; cause?: unknown; meta?: unknown; errors?: unknown };
  const isUnavailableCode = (code: unknown) =>
    typeof code === "string" &&
    (CONNECTION_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code));
  if (isUnavailableCode(e.code) || isUnavailableCode(e.originalCode)) return true;
  if (typeof e.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
  if (error instanceof Error && PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  const name = typeof e.name === "string" ? e.name : "";
  const inner: unknown[] = [];
  if (name.startsWith("PrismaClient")) inner.push((e.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError, e.cause);
  if (name === "DriverAdapterError") inner.push(e.cause);
  // A host name with several addresses: Node tries each and reports them together.
  if (error instanceof AggregateError) inner.push(...(error.errors as unknown[]));
  return inner.some((cause) => isDatabaseUnavailable(cause, depth + 1));
}

export function errorResponse(error: unknown, ctx: TRequestContext): Response {
  let appError: AppError;
  if (isAppError(error)) {
    appError = error;
    if (error.status >= 500) ctx.log.error({ err: error }, error.message);
    else ctx.log.info({ code: error.code }, error.message);
  } else if (isDatabaseUnavailable(error)) {
    // The detail (host, port, the driver's words) stays in the log; the caller learns only that it may try again.
    ctx.log.error({ err: error }, "the database cannot be reached");
    appError = new AppError("UNAVAILABLE", "The portal's database cannot be reached right now; try again shortly.", {
      details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
    });
  } else {
    ctx.log.error({ err: error }, "unhandled error in route handler");
    const body: TErrorBody = {
      error: { code: "INTERNAL", message: "Something went wrong on our side.", requestId: ctx.requestId },
    };
    return jsonResponse(body, { status: 500, requestId: ctx.requestId });
  }
  const body: TErrorBody = {
    error: { code: appError.code, message: appError.message, details: appError.details, requestId: ctx.requestId },
  };
  const retryAfter = (appError.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  return jsonResponse(body, {
    status: appError.status,
    requestId: ctx.requestId,
    headers: retryAfter ? { "retry-after": String(retryAfter) } : undefined,
  });
}

/**
 * The client's address, from X-Forwarded-For: an address the client cannot choose.
 *
 * - Behind `hops` proxies that each append the address they saw (PORTSIDE_TRUSTED_PROXY_HOPS; the AWS deployment's
 *   load balancer is one), the entry `hops` places from the right: the address the outermost one saw. Entries
 *   further left are the client's own words and never used. Next's server leaves a header the proxies wrote as it is.
 * - With no proxy (0), the last entry, which is the connection's address: Next's server writes it when the request
 *   has no header, and lib/server/client-address.ts replaces any header a client sent with it.
 *
 * A request with fewer entries than proxies did not come through them all: its first entry is the one the nearest
 * proxy (or Next) wrote. Null only where no server filled the header in (handlers called directly, as tests do).
 */
export function clientIp(request: Request, hops: number = env().trustedProxyHops): string | null {
  const entries = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.at(-Math.max(hops, 1)) ?? entries[0] ?? null;
}

/**
 * CSRF: whether a browser's change comes from the portal's own pages. Browsers send Origin on every cross-origin
 * request and on same-origin POST/PUT/PATCH/DELETE; older ones send Sec-Fetch-Site instead. The expected host is
 * PORTSIDE_BASE_URL's, else the request's own Host: never X-Forwarded-Host, which the client can write.
 */
export function isSameOrigin(request: Request): boolean {
  const baseUrl = env().PORTSIDE_BASE_URL;
  const expectedHost = baseUrl ? new URL(baseUrl).host : (request.headers.get("host") ?? new URL(request.url).host);
  const origin = request.headers.get("origin");
  if (origin) return URL.canParse(origin) && new URL(origin).host === expectedHost;
  return request.headers.get("sec-fetch-site") === "same-origin";
}

/**
 * Wraps a route handler: request id, a logger carrying it, one mapping from
 * errors to JSON bodies, and an access log line.
 */
export function withApi<P extends TRouteParams = TRouteParams>(handler: TApiHandler<P>) {
  return async (request: Request, route?: TNextRouteContext<P>): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
    const ctx: TRequestContext = {
      requestId,
      log: log.child({ requestId }),
      ip: clientIp(request),
    };
    const started = performance.now();
    let response: Response;
    try {
      const params = (route ? await route.params : {}) as P;
      response = await handler(request, { ...ctx, params });
      response.headers.set("x-request-id", requestId);
    } catch (error) {
      response = errorResponse(error, ctx);
    }
    // Built only when wanted: this runs on every ingest request.
    if (ctx.log.isLevelEnabled("debug")) {
      ctx.log.debug(
        { method: request.method, url: new URL(request.url).pathname, status: response.status, ms: performance.now() - started },
        "request",
      );
    }
    return response;
  };
}

export interface TIssue {
  path: string;
  message: string;
}

export function zodIssues(error: ZodError): TIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join(".") : "(root)",
    message: issue.message,
  }));
}

/** 16 MiB: a batch of 1,000 deployments with their commits fits many times over. */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;

/** Reads the body, refusing it as soon as it passes the limit (whatever content-length claims). */
async function readBody(request: Request, limit: number): Promise<string> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${Math.round(limit / 1024 / 1024)} MiB; send smaller batches.`);
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > limit) throw tooLarge();
    // Node's HTTP parser reads exactly content-length bytes, so the body cannot be longer.
    return request.text();
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a request's query string with a zod schema; every problem is listed in one 400. */
export function parseSearchParams<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const result = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new AppError("INVALID_INPUT", `The query has ${issues.length} problem(s).`, { details: { issues } });
  }
  return result.data as z.infer<S>;
}

/** Parses a JSON body with a zod schema; every problem is listed in one 400. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, limit = MAX_JSON_BODY_BYTES): Promise<z.infer<S>> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.includes("application/json")) {
    throw new AppError("INVALID_INPUT", "Send the body as JSON with content-type: application/json.");
  }
  const text = await readBody(request, limit);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_INPUT", "The body is not valid JSON.");
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new AppError("INVALID_INPUT", `The request has ${issues.length} problem(s).`, { details: { issues } });
  }
  return result.data as z.infer<S>;
}
