import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "@/lib/log";

/**
 * Routes the portal's production server (scripts/start.ts) answers itself,
 * before Next's router: a route handler (the same function the route file
 * exports, so the same behaviour) called with a Web Request made from the
 * Node request. Next's routing costs about 0.8 ms of CPU per request here,
 * twice what recording a deployment costs, which capped single-deployment
 * posts near 800/s on two cores (issue 2 asks for 1,000/s; bench/ingest.ts).
 *
 * Only exact paths are taken (no trailing slash, no encoding variants, no
 * query-dependent routing); anything else, and every other route, goes to
 * Next, which serves the same handler through the route file. The response
 * gets the headers next.config.mjs's headers() gives that path, read from the
 * build's routes manifest, so both ways answer alike.
 */

/** The most of an unread body read (and dropped) to keep the connection open. */
const DRAIN_MAX_BYTES = 64 * 1024;

export type TWebHandler = (request: Request) => Promise<Response>;

export interface TDirectRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  pathname: string;
  handler: TWebHandler;
}

/** A headers() rule as the build writes it into .next/routes-manifest.json. */
export interface THeaderRule {
  source: string;
  regex: string;
  headers: { key: string; value: string }[];
  has?: unknown[];
  missing?: unknown[];
}

/** Returns true when it took the request (and will answer it), false to leave it to Next. */
export type TDirectRouter = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The headers of the rules that apply to `pathname`, in rule order (a later
 * rule's value wins, as in Next). Null when a rule is beyond what this
 * router reproduces: conditions on the request (has / missing) or values
 * that take parameters from the path.
 */
function staticHeaderRules(rules: THeaderRule[]): { regex: RegExp; headers: [string, string][] }[] | null {
  const compiled = [];
  for (const rule of rules) {
    if ((rule.has?.length ?? 0) > 0 || (rule.missing?.length ?? 0) > 0) return null;
    if (rule.headers.some((h) => h.key.includes(":") || h.value.includes(":"))) return null;
    compiled.push({ regex: new RegExp(rule.regex), headers: rule.headers.map((h): [string, string] => [h.key, h.value]) });
  }
  return compiled;
}

export function createDirectRouter(routes: TDirectRoute[], headerRules: THeaderRule[]): TDirectRouter {
  const rules = staticHeaderRules(headerRules);
  if (rules === null) {
    log.warn({ routes: routes.map((r) => `${r.method} ${r.pathname}`) }, "next.config.mjs has conditional header rules: every route goes through Next's router");
    return () => false;
  }
  const table = new Map(
    routes.map((route) => {
      // Keyed by lower case (a later rule's value wins), sent in the case the rule gives, as Next does.
      const byName = new Map<string, [string, string]>();
      for (const rule of rules) if (rule.regex.test(route.pathname)) for (const [key, value] of rule.headers) byName.set(key.toLowerCase(), [key, value]);
      return [`${route.method} ${route.pathname}`, { handler: route.handler, headers: [...byName.values()] }];
    }),
  );
  return (request, response) => {
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    const route = table.get(`${request.method} ${query === -1 ? url : url.slice(0, query)}`);
    if (!route) return false;
    serve(route.handler, route.headers, request, response).catch((error: unknown) => {
      // The handlers answer their own errors (withApi); this is the adapter failing, e.g. the client went away mid-answer.
      log.error({ err: error, url }, "direct route failed");
      if (!response.headersSent) {
        response.statusCode = 500;
        response.setHeader("content-type", "application/json; charset=utf-8");
        response.end(JSON.stringify({ error: { code: "INTERNAL", message: "Something went wrong on our side." } }));
      } else {
        response.destroy();
      }
    });
    return true;
  };
}

async function serve(handler: TWebHandler, configHeaders: [string, string][], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const answer = await handler(toWebRequest(request));
  const body = answer.body ? Buffer.from(await answer.arrayBuffer()) : null;
  response.statusCode = answer.status;
  for (const [key, value] of configHeaders) response.setHeader(key, value);
  answer.headers.forEach((value, key) => {
    if (key !== "set-cookie") response.setHeader(key, value);
  });
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader("set-cookie", cookies);
  // The handler may answer without reading the whole body (a missing token, a body over the limit). A small rest
  // is read and dropped after the answer, so that the connection serves the client's next request; after a large
  // one (or one of unknown size) the connection is closed instead, as the client may still be sending.
  const isRestDropped = !request.complete && Number(request.headers["content-length"] ?? Number.NaN) <= DRAIN_MAX_BYTES;
  if (!request.complete && !isRestDropped) response.setHeader("connection", "close");
  response.setHeader("content-length", body?.byteLength ?? 0);
  response.end(body);
  if (isRestDropped) {
    request.removeAllListeners("data");
    request.resume();
  }
}

/** The Web Request a route handler takes, over the Node request (its body streamed, read only if the handler reads it). */
export function toWebRequest(request: IncomingMessage): Request {
  const headers = new Headers();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const url = new URL(request.url ?? "/", "http://localhost");
  const host = request.headers.host;
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
 * stops listening and leaves the socket to be closed after the answer, rather
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
