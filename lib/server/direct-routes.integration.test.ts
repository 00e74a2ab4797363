import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { postDeployments } from "@/lib/deployments/server/post-deployments";
import { MAX_JSON_BODY_BYTES } from "@/lib/http";
import { createDirectRouter, type TDirectRoute, type THeaderRule } from "@/lib/server/direct-routes";
import { makeService, makeToken, uniqueSlug } from "@/lib/testing/fixtures";

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

async function serve(routes: TDirectRoute[], rules: THeaderRule[]) {
  const direct = createDirectRouter(routes, rules);
  const server = http.createServer((request, response) => {
    if (direct(request, response)) return;
    request.resume();
    response.writeHead(NEXT_STATUS, { "content-type": "text/plain" }).end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    port: (server.address() as AddressInfo).port,
    agent,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const ingestRoutes: TDirectRoute[] = [{ method: "POST", pathname: "/api/deployments", handler: postDeployments }];

interface TAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  isReusedSocket: boolean;
}

/** One request; `body` in parts is sent part by part, and `beforeRest` may hold the last part back until the answer has come. */
function request(
  target: { port: number; agent: http.Agent },
  { method, path, headers = {}, body = [], isRestAfterAnswer = false }: { method: string; path: string; headers?: Record<string, string>; body?: string[]; isRestAfterAnswer?: boolean },
): Promise<TAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: "127.0.0.1", port: target.port, agent: target.agent, method, path, headers }, (incoming) => {
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
  it("answers POST /api/deployments with the route handler's answer, the config's headers for the path and the handler's own on top", async () => {
    const target = await serve(ingestRoutes, [SECURITY_RULE, OTHER_PATH_RULE]);
    try {
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

      // The same post again: idempotent through this way too.
      const again = await request(target, { method: "POST", path: "/api/deployments", headers: jsonHeaders(body), body: [body] });
      expect(again.status).toBe(200);
      expect(again.isReusedSocket).toBe(true);
      expect(await db.deployment.count({ where: { source } })).toBe(1);
    } finally {
      await target.close();
    }
  });

  it("leaves every other method and path, trailing slash included, to Next", async () => {
    const target = await serve(ingestRoutes, [SECURITY_RULE]);
    try {
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
    } finally {
      await target.close();
    }
  });

  it("keeps the connection after answering before a small body was read (no token), and serves the client's next request on it", async () => {
    const target = await serve(ingestRoutes, [SECURITY_RULE]);
    try {
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
    } finally {
      await target.close();
    }
  });

  it("refuses a streamed body over the size limit with 413 and closes the connection, storing nothing", async () => {
    const target = await serve(ingestRoutes, [SECURITY_RULE]);
    try {
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
    } finally {
      await target.close();
    }
  });

  it("sends every cookie a handler sets, and answers a handler's failure with a JSON 500", async () => {
    const routes: TDirectRoute[] = [
      {
        method: "POST",
        pathname: "/cookies",
        handler: async () => {
          const headers = new Headers({ "cache-control": "no-store" });
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
    const target = await serve(routes, [SECURITY_RULE]);
    try {
      const cookies = await request(target, { method: "POST", path: "/cookies" });
      expect(cookies.status).toBe(204);
      expect(cookies.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
      // The handler's own header wins over the config's.
      expect(cookies.headers["cache-control"]).toBe("no-store");

      const boom = await request(target, { method: "GET", path: "/boom" });
      expect(boom.status).toBe(500);
      expect(JSON.parse(boom.text)).toEqual({ error: { code: "INTERNAL", message: "Something went wrong on our side." } });
    } finally {
      await target.close();
    }
  });

  it("sends every route to Next when a header rule depends on the request, which it could not reproduce", async () => {
    const conditional: THeaderRule = { ...SECURITY_RULE, has: [{ type: "header", key: "x-tenant" }] };
    const target = await serve(ingestRoutes, [conditional]);
    try {
      const source = uniqueSlug("direct");
      const body = deploymentBody("d-1", source);
      const answer = await request(target, { method: "POST", path: "/api/deployments", headers: jsonHeaders(body), body: [body] });
      expect(answer.status).toBe(NEXT_STATUS);
      expect(await db.deployment.count({ where: { source } })).toBe(0);
    } finally {
      await target.close();
    }
  });
});
