import http from "node:http";
import { gunzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { POST as postDeployments } from "@/app/api/deployments/route";
import { clientIp, MAX_JSON_BODY_BYTES } from "@/lib/http";
import {
  acceptsGzip,
  DIRECT_ROUTES_KEY,
  planPath,
  registerDirectRoute,
  type TBuildManifests,
  type TDirectRouteRegistry,
  type TWebHandler,
} from "@/lib/server/direct-routes";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";

type THeaderRule = TBuildManifests["routes"]["headers"][number];

/** As `next build` writes next.config.mjs's headers() into .next/routes-manifest.json. */
const SECURITY_RULE: THeaderRule = {
  source: "/:path*",
  regex: "^(?:/((?:[^/]+?)(?:/(?:[^/]+?))*))?(?:/)?$",
  headers: [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Cache-Control", value: "private" },
  ],
};
const OTHER_PATH_RULE: THeaderRule = { source: "/docs/:path*", regex: "^/docs(?:/(.*))?$", headers: [{ key: "X-Docs", value: "yes" }] };

/** What the server's Next handler answers, so a test can tell which way a request went. */
const NEXT_STATUS = 299;

let service: Awaited<ReturnType<typeof makeService>>;
let token: string;

beforeAll(async () => {
  service = await makeService();
  ({ token } = await makeToken(["ingest"]));
});
afterAll(async () => {
  await closeDb();
});

type TRoute = { method: "GET" | "POST"; pathname: string; handler: TWebHandler };

/** What the build of the tests would hold: the header rules, the trailing-slash redirect every build has, no rewrites. */
function manifests(headers: THeaderRule[], more: Partial<TBuildManifests["routes"]> = {}, extra: Partial<Omit<TBuildManifests, "routes">> = {}): TBuildManifests {
  return {
    functionsConfig: { functions: {} },
    middleware: { middleware: {} },
    routes: {
      headers,
      redirects: [{ source: "/:path+/", regex: "^(?:/((?:[^/]+?)(?:/(?:[^/]+?))*))/$", internal: true }],
      rewrites: { beforeFiles: [], afterFiles: [], fallback: [] },
      ...more,
    },
    ...extra,
  };
}

/**
 * A server as scripts/start.mjs builds it: a registry on globalThis that the routes register into (there, route
 * files do when Next loads them), looked up by method and exact path, everything else to "Next".
 */
async function serve(routes: TRoute[], build: TBuildManifests, { trustedProxyHops }: { trustedProxyHops?: number } = {}) {
  const registry: TDirectRouteRegistry = { manifests: build, routes: new Map(), trustedProxyHops };
  Object.assign(globalThis, { [DIRECT_ROUTES_KEY]: registry });
  try {
    for (const route of routes) registerDirectRoute(route.method, route.pathname, route.handler);
  } finally {
    delete (globalThis as { [DIRECT_ROUTES_KEY]?: unknown })[DIRECT_ROUTES_KEY];
  }
  const server = http.createServer((request, response) => {
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    const direct = registry.routes.get(`${request.method} ${query === -1 ? url : url.slice(0, query)}`);
    if (direct) return direct(request, response);
    request.resume();
    response.writeHead(NEXT_STATUS, { "content-type": "text/plain" }).end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    port: (server.address() as AddressInfo).port,
    agent,
    registry,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function withServer(
  routes: TRoute[],
  build: TBuildManifests,
  run: (target: Awaited<ReturnType<typeof serve>>) => Promise<void>,
  options: { trustedProxyHops?: number } = {},
) {
  const target = await serve(routes, build, options);
  try {
    await run(target);
  } finally {
    await target.close();
  }
}

const ingestRoutes: TRoute[] = [{ method: "POST", pathname: "/api/deployments", handler: postDeployments }];

interface TAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  isReusedSocket: boolean;
}

/** One request; `body` in parts is sent part by part, and `beforeRest` may hold the last part back until the answer has come. */
function request(
  target: { port: number; agent: http.Agent },
  {
    method,
    path,
    headers = {},
    body = [],
    isRestAfterAnswer = false,
    localAddress,
  }: { method: string; path: string; headers?: Record<string, string>; body?: string[]; isRestAfterAnswer?: boolean; localAddress?: string },
): Promise<TAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: "127.0.0.1", port: target.port, agent: target.agent, method, path, headers, localAddress }, (incoming) => {
      let text = "";
      incoming.setEncoding("utf8");
      incoming.on("data", (chunk: string) => (text += chunk));
      incoming.on("end", () => {
        if (isRestAfterAnswer) outgoing.end(body.at(-1));
        resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, isReusedSocket: outgoing.reusedSocket });
      });
    });
    outgoing.on("error", reject);
    const parts = isRestAfterAnswer ? body.slice(0, -1) : body;
    for (const part of parts) outgoing.write(part);
    if (!isRestAfterAnswer) outgoing.end();
  });
}

function deploymentBody(externalId: string, source: string) {
  return JSON.stringify({
    service: service.slug,
    environment: "production",
    status: "succeeded",
    startedAt: "2026-11-20T10:00:00Z",
    finishedAt: "2026-11-20T10:10:00Z",
    version: "1.0.0",
    source,
    externalId,
  });
}

const jsonHeaders = (body: string, authorization: string | null = `Bearer ${token}`): Record<string, string> => ({
  "content-type": "application/json",
  "content-length": String(Buffer.byteLength(body)),
  ...(authorization ? { authorization } : {}),
});

describe("direct routes (the production server's way around Next's router)", () => {
  it("answers POST /api/deployments with the route handler's answer and the config's headers for the path, knowing the client's address", async () => {
    await withServer(ingestRoutes, manifests([SECURITY_RULE, OTHER_PATH_RULE]), async (target) => {
      const source = uniqueSlug("direct");
      const body = deploymentBody("d-1", source);
      const answer = await request(target, { method: "POST", path: "/api/deployments?from=ci", headers: jsonHeaders(body), body: [body] });
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.text)).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["x-frame-options"]).toBe("DENY");
      expect(answer.headers["x-docs"]).toBeUndefined();
      expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(answer.headers["content-length"])).toBe(Buffer.byteLength(answer.text));
      expect(await db.deployment.count({ where: { source } })).toBe(1);
      // No proxy in front: the address is the connection's, as Next fills it in (the audit row and the bad-token limit use it).
      const audit = await db.auditEvent.findFirstOrThrow({ where: { requestId: String(answer.headers["x-request-id"]) } });
      expect(audit).toMatchObject({ action: "deployments.ingest", ip: "127.0.0.1" });

      // The same post again: idempotent through this way too.
      const again = await request(target, { method: "POST", path: "/api/deployments", headers: jsonHeaders(body), body: [body] });
      expect(again.status).toBe(200);
      expect(again.isReusedSocket).toBe(true);
      expect(await db.deployment.count({ where: { source } })).toBe(1);
    });
  });

  it("leaves every other method and path, trailing slash included, to Next", async () => {
    await withServer(ingestRoutes, manifests([SECURITY_RULE]), async (target) => {
      const source = uniqueSlug("direct");
      const body = deploymentBody("d-1", source);
      for (const [method, path] of [
        ["GET", "/api/deployments"],
        ["POST", "/api/deployments/"],
        ["POST", "/api/deployments/x"],
        ["POST", "/api/deployment"],
        ["PUT", "/api/deployments"],
      ] as const) {
        const answer = await request(target, { method, path, headers: jsonHeaders(body), body: [body] });
        expect({ method, path, status: answer.status, text: answer.text }).toEqual({ method, path, status: NEXT_STATUS, text: "next" });
      }
      expect(await db.deployment.count({ where: { source } })).toBe(0);
    });
  });

  it("keeps the connection after answering before a body of known size was read (no token), and serves the client's next request on it", async () => {
    await withServer(ingestRoutes, manifests([SECURITY_RULE]), async (target) => {
      const source = uniqueSlug("direct");
      const body = deploymentBody("d-1", source);
      const half = body.length >> 1;
      const refused = await request(target, {
        method: "POST",
        path: "/api/deployments",
        headers: jsonHeaders(body, null),
        body: [body.slice(0, half), body.slice(half)],
        isRestAfterAnswer: true,
      });
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toMatchObject({ error: { code: "UNAUTHORIZED" } });
      expect(refused.headers.connection).not.toBe("close");

      const next = await request(target, { method: "POST", path: "/api/deployments", headers: jsonHeaders(body), body: [body] });
      expect(next.status).toBe(201);
      expect(next.isReusedSocket).toBe(true);
      expect(await db.deployment.count({ where: { source } })).toBe(1);
    });
  });

  it("refuses a streamed body over the size limit with 413 and closes the connection, storing nothing", async () => {
    await withServer(ingestRoutes, manifests([SECURITY_RULE]), async (target) => {
      const source = uniqueSlug("direct");
      // A valid start, then padding inside a string: without the limit this would be one deployment with a long version.
      const head = deploymentBody("d-1", source).replace('"version":"1.0.0"', '"version":"');
      const padding = "x".repeat(1024 * 1024);
      const parts = [head, ...Array.from({ length: Math.ceil(MAX_JSON_BODY_BYTES / padding.length) + 1 }, () => padding), '"}'];
      const answer = await new Promise<TAnswer>((resolve, reject) => {
        const outgoing = http.request(
          // No content-length: chunked, so the limit is found while reading.
          { host: "127.0.0.1", port: target.port, agent: target.agent, method: "POST", path: "/api/deployments", headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
          (incoming) => {
            let text = "";
            incoming.setEncoding("utf8");
            incoming.on("data", (chunk: string) => (text += chunk));
            incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text, isReusedSocket: outgoing.reusedSocket }));
          },
        );
        // The server may close while parts are still going out.
        outgoing.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
        void (async () => {
          for (const part of parts) if (!outgoing.write(part)) await new Promise((r) => outgoing.once("drain", r));
          outgoing.end();
        })();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
      expect(answer.headers.connection).toBe("close");
      expect(await db.deployment.count({ where: { source } })).toBe(0);
    });
  });

  it("merges a handler's headers with the config's as Next does, sends every cookie, and answers a handler's failure with a JSON 500", async () => {
    const routes: TRoute[] = [
      {
        method: "POST",
        pathname: "/cookies",
        handler: async () => {
          const headers = new Headers({ "cache-control": "no-store", vary: "accept", "content-length": "999" });
          headers.append("set-cookie", "a=1; Path=/");
          headers.append("set-cookie", "b=2; Path=/");
          return new Response(null, { status: 204, headers });
        },
      },
      {
        method: "GET",
        pathname: "/boom",
        handler: () => Promise.reject(new Error("the adapter must catch this")),
      },
    ];
    await withServer(routes, manifests([{ ...SECURITY_RULE, headers: [...SECURITY_RULE.headers, { key: "Vary", value: "origin" }] }]), async (target) => {
      const cookies = await request(target, { method: "POST", path: "/cookies" });
      expect(cookies.status).toBe(204);
      expect(cookies.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
      // The config's value stays (Next's send-response), but for headers that may appear more than once; the length is the body's.
      expect(cookies.headers["cache-control"]).toBe("private");
      expect(cookies.headers.vary).toBe("origin, accept, Accept-Encoding");
      expect(cookies.headers["content-length"]).toBe("0");

      const boom = await request(target, { method: "GET", path: "/boom" });
      expect(boom.status).toBe(500);
      expect(JSON.parse(boom.text)).toEqual({ error: { code: "INTERNAL", message: "Something went wrong on our side." } });
    });
  });

  it("gzips an answer of 1 KiB or more for a client that takes gzip, as Next's compression does, unless the config turns it off", async () => {
    const big = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ index: i, result: "created" })) });
    const routes: TRoute[] = [
      { method: "GET", pathname: "/big", handler: async () => new Response(big, { headers: { "content-type": "application/json" } }) },
      { method: "GET", pathname: "/small", handler: async () => new Response("{}", { headers: { "content-type": "application/json" } }) },
    ];
    await withServer(routes, manifests([SECURITY_RULE]), async (target) => {
      const zipped = await new Promise<{ headers: http.IncomingHttpHeaders; raw: Buffer }>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port: target.port, agent: target.agent, path: "/big", headers: { "accept-encoding": "br;q=1, gzip;q=0.8" } }, (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on("data", (c: Buffer) => chunks.push(c));
            incoming.on("end", () => resolve({ headers: incoming.headers, raw: Buffer.concat(chunks) }));
          })
          .on("error", reject);
      });
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(zipped.headers.vary).toBe("Accept-Encoding");
      expect(Number(zipped.headers["content-length"])).toBe(zipped.raw.byteLength);
      expect(zipped.raw.byteLength).toBeLessThan(Buffer.byteLength(big));
      expect(gunzipSync(zipped.raw).toString("utf8")).toBe(big);

      const small = await request(target, { method: "GET", path: "/small", headers: { "accept-encoding": "gzip" } });
      expect(small.headers["content-encoding"]).toBeUndefined();
      expect(small.text).toBe("{}");
      const refused = await request(target, { method: "GET", path: "/big", headers: { "accept-encoding": "gzip;q=0, identity" } });
      expect(refused.headers["content-encoding"]).toBeUndefined();
      expect(refused.text).toBe(big);
    });
    await withServer(routes, { ...manifests([SECURITY_RULE]), compress: false }, async (plain) => {
      const answer = await request(plain, { method: "GET", path: "/big", headers: { "accept-encoding": "gzip" } });
      expect(answer.headers["content-encoding"]).toBeUndefined();
      expect(answer.headers.vary).toBeUndefined();
      expect(answer.text).toBe(big);
    });
    expect([acceptsGzip(undefined), acceptsGzip("identity"), acceptsGzip("GZIP"), acceptsGzip("*"), acceptsGzip("deflate, gzip;q=0")]).toEqual([false, false, true, true, false]);
    // A coding named outright outweighs "*".
    expect([acceptsGzip("gzip;q=0, *"), acceptsGzip("*;q=0, gzip"), acceptsGzip("*;q=0")]).toEqual([false, true, false]);
  });

  it("leaves a route to Next when the build has something for its path that only Next applies", async () => {
    const path = "/api/deployments";
    expect(planPath(manifests([SECURITY_RULE]), path)).toEqual({ headers: [["X-Content-Type-Options", "nosniff"], ["X-Frame-Options", "DENY"], ["Cache-Control", "private"]] });
    // A later rule's value wins, in its own case.
    expect(planPath(manifests([SECURITY_RULE, { ...SECURITY_RULE, headers: [{ key: "cache-control", value: "no-cache" }] }]), path)).toEqual({
      headers: [["X-Content-Type-Options", "nosniff"], ["X-Frame-Options", "DENY"], ["cache-control", "no-cache"]],
    });
    // Rules for other paths, and values with colons that are not the source's parameters, change nothing.
    const csp = { key: "Content-Security-Policy", value: "img-src 'self' data: https:" };
    expect(planPath(manifests([OTHER_PATH_RULE, { ...SECURITY_RULE, headers: [csp] }]), path)).toEqual({ headers: [[csp.key, csp.value]] });

    const refusals: [string, TBuildManifests][] = [
      ["a header rule for the path depends on the request", manifests([{ ...SECURITY_RULE, has: [{ type: "header", key: "x-tenant" }] }])],
      ["a header rule for the path takes values from it", manifests([{ ...SECURITY_RULE, headers: [{ key: "X-Path", value: "/:path*" }] }])],
      ["a redirect matches the path", manifests([], { redirects: [{ source: "/api/deployments", regex: "^/api/deployments$", internal: false }] })],
      ["a rewrite matches the path", manifests([], { rewrites: { beforeFiles: [{ source: "/api/:path*", regex: "^/api(?:/(.*))?$" }] } })],
      ["the proxy (middleware) runs for the path", manifests([], {}, { functionsConfig: { functions: { "/_middleware": { matchers: [{ regexp: "^(?:/(.*))$" }] } } } })],
      ["the proxy (middleware) runs for the path", manifests([], {}, { middleware: { middleware: { "/": { matchers: [{ regexp: "^/api/.*$" }] } } } })],
      // trailingSlash: true — Next's own (internal) redirect adds the slash to this path.
      ["a redirect matches the path", manifests([], { redirects: [{ source: "/:file((?!\\.well-known(?:/.*)?)(?:[^/]+/)*[^/\\.]+)", regex: "^(?:/((?!\\.well-known(?:/.*)?)(?:[^/]+/)*[^/\\.]+))$", internal: true }] })],
      ["the build has a base path", manifests([SECURITY_RULE], { basePath: "/portal" })],
      ["the build has locales", manifests([SECURITY_RULE], { i18n: { locales: ["en", "de"], defaultLocale: "en" } })],
    ];
    for (const [reason, build] of refusals) expect(planPath(build, path)).toEqual({ reason });
    // This build's own proxy matcher leaves /api/ alone.
    const proxyMatcher = "^(?:\\/(_next\\/data\\/[^/]{1,}))?(?:\\/((?!api\\/|_next\\/static|_next\\/image|favicon.ico).*))(\\.json|\\.rsc|\\.segments\\/.+\\.segment\\.rsc)?[\\/#\\?]?$";
    expect(planPath(manifests([], {}, { functionsConfig: { functions: { "/_middleware": { matchers: [{ regexp: proxyMatcher }] } } } }), path)).toEqual({ headers: [] });

    // Not registered, so the server hands it to Next.
    await withServer(ingestRoutes, refusals[0]![1], async (target) => {
      expect(target.registry.routes.size).toBe(0);
      const source = uniqueSlug("direct");
      const body = deploymentBody("d-1", source);
      const answer = await request(target, { method: "POST", path, headers: jsonHeaders(body), body: [body] });
      expect(answer.status).toBe(NEXT_STATUS);
      expect(await db.deployment.count({ where: { source } })).toBe(0);
    });
  });

  // Each of these connects from its own loopback address (Linux routes all of 127/8 to lo), as separate clients would.
  it("counts bad tokens by the connection's address: rotating X-Forwarded-For does not escape the limit", async () => {
    await withServer(ingestRoutes, manifests([SECURITY_RULE]), async (target) => {
      const body = deploymentBody("d-1", uniqueSlug("direct"));
      const guess = (i: number) =>
        request(target, {
          method: "POST",
          path: "/api/deployments",
          headers: { ...jsonHeaders(body, `Bearer psk_guess-${i}`), "x-forwarded-for": `198.51.100.${i}` },
          body: [body],
          localAddress: "127.0.0.2",
        });
      for (let i = 0; i < 20; i++) expect((await guess(i)).status).toBe(401);
      const limited = await guess(20);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    });
  });

  it("never refuses a valid token because another address sent bad ones, whatever X-Forwarded-For claims", async () => {
    await withServer(ingestRoutes, manifests([SECURITY_RULE]), async (target) => {
      const badBody = deploymentBody("d-1", uniqueSlug("direct"));
      for (let i = 0; i < 21; i++) {
        await request(target, { method: "POST", path: "/api/deployments", headers: jsonHeaders(badBody, `Bearer psk_other-${i}`), body: [badBody], localAddress: "127.0.0.3" });
      }
      const source = uniqueSlug("direct");
      // Another client, naming the blocked address (and no header at all): its valid token is taken.
      for (const [i, forwarded] of [["1", "127.0.0.3"], ["2", null]] as const) {
        const good = deploymentBody(`d-${i}`, source);
        const answer = await request(target, {
          method: "POST",
          path: "/api/deployments",
          headers: { ...jsonHeaders(good), ...(forwarded ? { "x-forwarded-for": forwarded } : {}) },
          body: [good],
          localAddress: "127.0.0.4",
        });
        expect(answer.status).toBe(201);
        const audit = await db.auditEvent.findFirstOrThrow({ where: { requestId: String(answer.headers["x-request-id"]) } });
        expect(audit.ip).toBe("127.0.0.4");
      }
      expect(await db.deployment.count({ where: { source } })).toBe(2);
    });
  });

  it("writes the connection's address into X-Forwarded-For: alone with no trusted proxy, appended behind one, and the client's address is taken from the right entry", async () => {
    const echo: TRoute = {
      method: "GET",
      pathname: "/echo",
      handler: async (request) =>
        Response.json({ forwarded: request.headers.get("x-forwarded-for"), asIfNoProxy: clientIp(request, 0), behindOneProxy: clientIp(request, 1) }),
    };
    const ask = async (target: { port: number; agent: http.Agent }, forwarded: string | null) =>
      JSON.parse(
        (await request(target, { method: "GET", path: "/echo", headers: forwarded ? { "x-forwarded-for": forwarded } : {}, localAddress: "127.0.0.5" })).text,
      ) as { forwarded: string; asIfNoProxy: string; behindOneProxy: string };
    await withServer([echo], manifests([SECURITY_RULE]), async (target) => {
      expect(await ask(target, "203.0.113.50")).toMatchObject({ forwarded: "127.0.0.5", asIfNoProxy: "127.0.0.5" });
      expect(await ask(target, null)).toMatchObject({ forwarded: "127.0.0.5", asIfNoProxy: "127.0.0.5" });
    });
    // PORTSIDE_TRUSTED_PROXY_HOPS=1: the load balancer (here 127.0.0.5) appended the client it saw; entries before are the client's own.
    await withServer(
      [echo],
      manifests([SECURITY_RULE]),
      async (target) => {
        expect(await ask(target, "10.9.9.9, 203.0.113.50")).toEqual({ forwarded: "10.9.9.9, 203.0.113.50, 127.0.0.5", asIfNoProxy: "127.0.0.5", behindOneProxy: "203.0.113.50" });
        expect(await ask(target, "203.0.113.51")).toMatchObject({ forwarded: "203.0.113.51, 127.0.0.5", behindOneProxy: "203.0.113.51" });
        // Straight to the server, around the proxy: only the server's own entry.
        expect(await ask(target, null)).toMatchObject({ forwarded: "127.0.0.5", behindOneProxy: "127.0.0.5" });
      },
      { trustedProxyHops: 1 },
    );
  });

  it("registers nothing where no server set up a registry (next dev, builds, tests)", () => {
    expect((globalThis as { [DIRECT_ROUTES_KEY]?: unknown })[DIRECT_ROUTES_KEY]).toBeUndefined();
    expect(() => registerDirectRoute("POST", "/api/deployments", postDeployments)).not.toThrow();
    expect((globalThis as { [DIRECT_ROUTES_KEY]?: unknown })[DIRECT_ROUTES_KEY]).toBeUndefined();
  });
});
