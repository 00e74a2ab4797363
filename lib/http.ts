import { randomUUID } from "node:crypto";
import type { ZodError, z } from "zod";
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

export function errorResponse(error: unknown, ctx: TRequestContext): Response {
  if (isAppError(error)) {
    const body: TErrorBody = {
      error: { code: error.code, message: error.message, details: error.details, requestId: ctx.requestId },
    };
    if (error.status >= 500) ctx.log.error({ err: error }, error.message);
    else ctx.log.info({ code: error.code }, error.message);
    const retryAfter = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    return jsonResponse(body, {
      status: error.status,
      requestId: ctx.requestId,
      headers: retryAfter ? { "retry-after": String(retryAfter) } : undefined,
    });
  }
  ctx.log.error({ err: error }, "unhandled error in route handler");
  const body: TErrorBody = {
    error: { code: "INTERNAL", message: "Something went wrong on our side.", requestId: ctx.requestId },
  };
  return jsonResponse(body, { status: 500, requestId: ctx.requestId });
}

/**
 * The address the nearest proxy saw: the last X-Forwarded-For entry (App
 * Runner's and the ALB's load balancers append it; earlier entries are
 * whatever the client sent, so they are not trusted).
 */
export function clientIp(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for");
  return forwarded?.split(",").at(-1)?.trim() || request.headers.get("x-real-ip");
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
