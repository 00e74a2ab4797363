import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { log } from "@/lib/log";

/**
 * Routes the portal's production server (scripts/start.mjs) answers itself,
 * before Next's router. Next's routing costs about 0.8–1.0 ms of CPU per
 * request here, twice what recording a deployment costs, which held
 * single-deployment posts near 800/s on two cores (issue 2 asks for 1,000/s;
 * bench/ingest.ts).
 *
 * A route file registers its handler when Next loads it (the first request
 * of the route goes through Next, as does every request before that):
 *
 *   export const POST = postDeployments;
 *   registerDirectRoute("POST", "/api/deployments", POST);
 *
 * So the handler is the build's own, one module instance with the rest of the
 * app. The server looks a request up by method and exact path (anything
 * else, such as a trailing slash or an encoded variant, goes to Next, which
 * answers it as it always has) and calls the handler with a Web Request made
 * from the Node one. The answer gets the headers next.config.mjs's headers()
 * gives that path, merged as Next merges them, and is gzipped as Next's
 * compression would. A route is not registered (Next keeps serving it) when
 * the build has anything for its path this server does not reproduce: a base
 * path or locales, a redirect, a rewrite, the proxy (middleware), or a header
 * rule that depends on the request.
 *
 * Under `next dev`, tests and builds there is no registry, and registering does nothing.
 */

export type TWebHandler = (request: Request) => Promise<Response>;
type TNodeHandler = (request: IncomingMessage, response: ServerResponse) => void;

interface TPathRule {
  source?: string;
  regex?: string;
  regexp?: string;
  has?: unknown[];
  missing?: unknown[];
  internal?: boolean;
}

/** What the build wrote that bears on a path: .next/routes-manifest.json and .next/server/{functions-config,middleware}-manifest.json. */
export interface TBuildManifests {
  /** next.config's `compress` (default true), from .next/required-server-files.json. */
  compress?: boolean;
  routes: {
    basePath?: string;
    i18n?: unknown;
    headers: (TPathRule & { headers: { key: string; value: string }[] })[];
    redirects: TPathRule[];
    rewrites: TPathRule[] | { beforeFiles?: TPathRule[]; afterFiles?: TPathRule[]; fallback?: TPathRule[] };
  };
  functionsConfig: { functions?: Record<string, { matchers?: TPathRule[] }> };
  middleware: { middleware?: Record<string, { matchers?: TPathRule[] }> };
}

/** Put on globalThis by the production server before Next starts; read by registerDirectRoute and by the server per request. */
export interface TDirectRouteRegistry {
  manifests: TBuildManifests;
  /** PORTSIDE_TRUSTED_PROXY_HOPS, as the server read it (default 0): see forwardedFor. */
  trustedProxyHops?: number;
  /** Keyed by `${method} ${pathname}`. */
  routes: Map<string, TNodeHandler>;
}

export const DIRECT_ROUTES_KEY = Symbol.for("portside.directRoutes");

/** Headers of which Next appends a handler's value to the config's instead of keeping the config's (send-response.js). */
const MULTI_VALUE_HEADERS = new Set(["set-cookie", "www-authenticate", "proxy-authenticate", "vary"]);
/** Headers of a handler's answer that Next does not pass on; the length is set from the body here. */
const DROPPED_HEADERS = new Set(["content-length", "content-encoding", "transfer-encoding"]);
/** The largest unread body read and dropped to keep the connection open (the ingest API's own limit). */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** As the compression middleware Next uses: smaller answers are sent as they are. */
const COMPRESS_MIN_BYTES = 1024;
const gzipAsync = promisify(gzip);

function directRouteRegistry(): TDirectRouteRegistry | undefined {
  return (globalThis as { [DIRECT_ROUTES_KEY]?: TDirectRouteRegistry })[DIRECT_ROUTES_KEY];
}

export function registerDirectRoute(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", pathname: string, handler: TWebHandler): void {
  const registry = directRouteRegistry();
  if (!registry) return;
  const key = `${method} ${pathname}`;
  if (registry.routes.has(key)) return;
  const plan = planPath(registry.manifests, pathname);
  if ("reason" in plan) {
    log.warn({ route: key, reason: plan.reason }, "route served through Next's router: the build has something for its path that only Next applies");
    return;
  }
  registry.routes.set(
    key,
    nodeHandler(handler, plan.headers, { compress: registry.manifests.compress !== false, trustedProxyHops: registry.trustedProxyHops ?? 0 }),
  );
}

/** The config headers for `pathname`, or why this server cannot answer it as Next would. */
export function planPath(manifests: TBuildManifests, pathname: string): { headers: [string, string][] } | { reason: string } {
  const matches = (rule: TPathRule) => {
    const pattern = rule.regex ?? rule.regexp;
    return pattern !== undefined && new RegExp(pattern).test(pathname);
  };
  if (manifests.routes.basePath) return { reason: "the build has a base path" };
  if (manifests.routes.i18n) return { reason: "the build has locales" };
  const { rewrites } = manifests.routes;
  const allRewrites = Array.isArray(rewrites) ? rewrites : [...(rewrites.beforeFiles ?? []), ...(rewrites.afterFiles ?? []), ...(rewrites.fallback ?? [])];
  // Internal ones included: with trailingSlash, Next's own redirect adds the slash to this very path.
  if (manifests.routes.redirects.some(matches)) return { reason: "a redirect matches the path" };
  if (allRewrites.some(matches)) return { reason: "a rewrite matches the path" };
  const middleware = [...Object.values(manifests.functionsConfig.functions ?? {}), ...Object.values(manifests.middleware.middleware ?? {})].flatMap(
    (f) => f.matchers ?? [],
  );
  if (middleware.some(matches)) return { reason: "the proxy (middleware) runs for the path" };
  // Keyed by lower case: a later rule's value wins, sent in the case the rule gives, as Next does.
  const byName = new Map<string, [string, string]>();
  for (const rule of manifests.routes.headers) {
    if (!matches(rule)) continue;
    if ((rule.has?.length ?? 0) > 0 || (rule.missing?.length ?? 0) > 0) return { reason: "a header rule for the path depends on the request" };
    const params = [...(rule.source ?? "").matchAll(/:([A-Za-z_]\w*)/g)].map((m) => `:${m[1]}`);
    if (rule.headers.some((h) => params.some((p) => h.key.includes(p) || h.value.includes(p)))) return { reason: "a header rule for the path takes values from it" };
    for (const { key, value } of rule.headers) byName.set(key.toLowerCase(), [key, value]);
  }
  return { headers: [...byName.values()] };
}

/** A Web handler served from node:http, the config's `headers` added. */
function nodeHandler(
  handler: TWebHandler,
  headers: [string, string][],
  { compress, trustedProxyHops }: { compress: boolean; trustedProxyHops: number },
): TNodeHandler {
  return (request, response) => {
    serve(handler, headers, { compress, trustedProxyHops }, request, response).catch((error: unknown) => {
      // The handlers answer their own errors (withApi); this is the adapter failing, e.g. the client went away mid-answer.
      log.error({ err: error, path: request.url?.split("?")[0] }, "direct route failed");
      if (!response.headersSent) {
        response.statusCode = 500;
        response.setHeader("content-type", "application/json; charset=utf-8");
        response.end(JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on our side." } }));
      } else {
        response.destroy();
      }
    });
  };
}

async function serve(
  handler: TWebHandler,
  configHeaders: [string, string][],
  { compress, trustedProxyHops }: { compress: boolean; trustedProxyHops: number },
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const answer = await handler(toWebRequest(request, trustedProxyHops));
  let body = answer.body ? Buffer.from(await answer.arrayBuffer()) : null;
  response.statusCode = answer.status;
  for (const [key, value] of configHeaders) response.setHeader(key, value);
  // As Next's send-response: the config's value stays, except for headers that may appear more than once.
  answer.headers.forEach((value, name) => {
    if (DROPPED_HEADERS.has(name) || name === "set-cookie") return;
    if (MULTI_VALUE_HEADERS.has(name) || response.getHeader(name) === undefined) response.appendHeader(name, value);
  });
  for (const cookie of answer.headers.getSetCookie()) response.appendHeader("set-cookie", cookie);
  if (compress) {
    response.appendHeader("vary", "Accept-Encoding");
    if (body && body.byteLength >= COMPRESS_MIN_BYTES && acceptsGzip(request.headers["accept-encoding"])) {
      body = await gzipAsync(body);
      response.setHeader("content-encoding", "gzip");
    }
  }
  // The handler may answer before reading the whole body (a missing token, a body over the limit). A rest of known
  // size within the API's limit is read and dropped after the answer, as Node does, so that the client gets the
  // answer and the connection serves its next request; after one of unknown size or over the limit the connection
  // is closed instead, as the client may go on sending.
  const isRestDropped = !request.complete && Number(request.headers["content-length"] ?? Number.NaN) <= DRAIN_MAX_BYTES;
  if (!request.complete && !isRestDropped) response.setHeader("connection", "close");
  response.setHeader("content-length", body?.byteLength ?? 0);
  response.end(body);
  if (isRestDropped) {
    request.removeAllListeners("data");
    request.resume();
  }
}

/** Whether an Accept-Encoding header takes gzip: named with q > 0, or not named and `*` with q > 0 (RFC 9110 12.5.3). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [coding = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    weights.set(coding.trim(), q === undefined ? 1 : Number(q.slice(2)));
  }
  return (weights.get("gzip") ?? weights.get("*") ?? 0) > 0;
}

/**
 * X-Forwarded-For as the portal's server passes it on (clientIp in lib/http.ts reads it): the connection's address
 * is always the last entry. Behind `trustedProxyHops` proxies it is appended to what they wrote, as a proxy would;
 * with none trusted it stands alone, and whatever the client sent is dropped, so that no client can choose the
 * address it is counted under. scripts/start.mjs does the same for the requests it passes to Next.
 */
export function forwardedFor(sent: string | null | undefined, socketAddress: string | undefined, trustedProxyHops: number): string | undefined {
  if (trustedProxyHops > 0 && sent) return socketAddress ? `${sent}, ${socketAddress}` : sent;
  return socketAddress;
}

/**
 * The Web Request a route handler takes, over the Node request (its body streamed, read only if the handler reads
 * it). As Next does, the other x-forwarded-* headers a proxy did not set are set from the connection; X-Forwarded-For
 * is the server's own (forwardedFor).
 */
function toWebRequest(request: IncomingMessage, trustedProxyHops: number): Request {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const host = request.headers.host;
  const port = request.socket.localPort;
  if (!headers.has("x-forwarded-host") && host) headers.set("x-forwarded-host", host);
  if (!headers.has("x-forwarded-port") && port) headers.set("x-forwarded-port", String(port));
  if (!headers.has("x-forwarded-proto")) headers.set("x-forwarded-proto", "http");
  const forwarded = forwardedFor(headers.get("x-forwarded-for"), request.socket.remoteAddress, trustedProxyHops);
  if (forwarded) headers.set("x-forwarded-for", forwarded);
  else headers.delete("x-forwarded-for");
  const url = new URL(request.url ?? "/", "http://localhost");
  if (host && URL.canParse(`http://${host}`)) url.host = host;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(url, {
    method: request.method,
    headers,
    body: hasBody ? nodeBodyStream(request) : undefined,
    // Required by undici for a stream body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * The body as a web stream. Cancelling it (the reader stops at the size limit)
 * stops reading and leaves the socket to be closed after the answer, rather
 * than destroying the request (which would lose the answer).
 */
function nodeBodyStream(request: IncomingMessage): ReadableStream<Uint8Array> {
  let isOpen = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      request.on("data", (chunk: Buffer) => {
        if (!isOpen) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) request.pause();
      });
      request.once("end", () => {
        if (isOpen) controller.close();
        isOpen = false;
      });
      request.once("error", (error) => {
        if (isOpen) controller.error(error);
        isOpen = false;
      });
    },
    pull() {
      request.resume();
    },
    cancel() {
      isOpen = false;
      request.pause();
    },
  });
}
