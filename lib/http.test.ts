import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { clientIp, errorResponse, isDatabaseUnavailable, isSameOrigin, parseJsonBody, withApi } from "@/lib/http";
import { log } from "@/lib/log";

describe("withApi", () => {
  it("maps an AppError to its status and a JSON error body with the request id", async () => {
    const handler = withApi(async () => {
      throw new AppError("UNPROCESSABLE", "Unknown service", { details: { unknownServices: ["x"] } });
    });
    const response = await handler(new Request("http://x/api", { headers: { "x-request-id": "req-1" } }));
    expect(response.status).toBe(422);
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(await response.json()).toEqual({
      error: { code: "UNPROCESSABLE", message: "Unknown service", details: { unknownServices: ["x"] }, requestId: "req-1" },
    });
  });

  it("never leaks an unexpected error: 500 with a generic message", async () => {
    const handler = withApi(async () => {
      throw new Error("password=hunter2 in a stack trace");
    });
    const response = await handler(new Request("http://x/api"));
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe("INTERNAL");
    expect(body.error.message).not.toMatch(/hunter2/);
    expect(body.error.requestId).toMatch(/[0-9a-f-]{36}/);
  });
});

describe("parseJsonBody", () => {
  const schema = z.object({ n: z.number() });
  const post = (body: string, type = "application/json") => new Request("http://x", { method: "POST", body, headers: { "content-type": type } });

  it("refuses a body that is not JSON", async () => {
    await expect(parseJsonBody(post("{nope"), schema)).rejects.toMatchObject({ code: "INVALID_INPUT", message: "The body is not valid JSON." });
    await expect(parseJsonBody(post("{}", "text/plain"), schema)).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("refuses a body over the limit, even when it does not declare its length", async () => {
    const big = JSON.stringify({ n: 1, pad: "x".repeat(2000) });
    await expect(parseJsonBody(post(big), schema, 1000)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(200)));
        controller.close();
      },
    });
    const chunked = new Request("http://x", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    await expect(parseJsonBody(chunked, schema, 1000)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    await expect(parseJsonBody(post('{"n":1}'), schema, 1000)).resolves.toEqual({ n: 1 });
  });

  it("lists the problems with their paths", async () => {
    await expect(parseJsonBody(post('{"n":"1"}'), schema)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { issues: [{ path: "n", message: expect.stringMatching(/number/) }] },
    });
  });
});

describe("clientIp", () => {
  const withForwardedFor = (value: string) => new Request("http://x/api", { headers: { "x-forwarded-for": value } });

  it("with no trusted proxy, takes the last entry: the connection's address, which the server writes there", () => {
    expect(clientIp(withForwardedFor("203.0.113.9, 198.51.100.4"), 0)).toBe("198.51.100.4");
    expect(clientIp(withForwardedFor("198.51.100.4"), 0)).toBe("198.51.100.4");
  });

  it("behind trusted proxies, takes the address the outermost one saw, never the client's own entries", () => {
    // The client wrote 203.0.113.9; the load balancer appended the client it saw (Next leaves a header that is there as it is).
    expect(clientIp(withForwardedFor("203.0.113.9, 198.51.100.4"), 1)).toBe("198.51.100.4");
    expect(clientIp(withForwardedFor("198.51.100.4"), 1)).toBe("198.51.100.4");
    // Two proxies: the CDN appended the client, the load balancer appended the CDN's edge.
    expect(clientIp(withForwardedFor("203.0.113.9, 198.51.100.4, 130.176.0.7"), 2)).toBe("198.51.100.4");
    // Through the inner proxy only, around the outer one: the one entry there is, the address the inner one saw.
    expect(clientIp(withForwardedFor("10.0.1.99"), 2)).toBe("10.0.1.99");
  });

  it("ignores X-Real-IP, which a client can write, and is null where no server filled the header in", () => {
    expect(clientIp(new Request("http://x/api", { headers: { "x-real-ip": "203.0.113.9" } }), 0)).toBeNull();
  });
});

describe("a database that cannot be reached", () => {
  const ctx = () => ({ requestId: "req-db", log: log.child({}), ip: null });

  /** Errors shaped as node-postgres and Prisma's driver adapter raise them (the integration test gets real ones). */
  const socketError = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED", syscall: "connect", errno: -111, address: "10.0.0.5", port: 5432 });
  const adminShutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
  const cannotConnectNow = Object.assign(new Error("the database system is starting up"), { code: "57P03", severity: "FATAL" });
  const connectionFailure = Object.assign(new Error("connection failure"), { code: "08006", severity: "FATAL" });
  const terminated = new Error("Connection terminated unexpectedly");
  const poolTimeout = new Error("timeout exceeded when trying to connect");
  const adapterError = Object.assign(new Error("DatabaseNotReachable"), { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable", host: "10.0.0.5", port: 5432 } });
  const prismaRaw = Object.assign(new Error("Raw query failed. Code: `N/A`. Message: `Can't reach database server at 10.0.0.5:5432`"), {
    name: "PrismaClientKnownRequestError",
    code: "P2010",
    meta: { driverAdapterError: adapterError },
  });
  const prismaShutdown = Object.assign(new Error("Raw query failed"), {
    name: "PrismaClientKnownRequestError",
    code: "P2010",
    meta: { driverAdapterError: Object.assign(new Error("postgres"), { name: "DriverAdapterError", cause: { kind: "postgres", code: "57P01" } }) },
  });
  const poolExhausted = Object.assign(new Error("Timed out fetching a new connection from the connection pool."), { name: "PrismaClientKnownRequestError", code: "P2024" });

  it.each([
    ["refused connection", socketError],
    ["admin shutdown (57P01)", adminShutdown],
    ["cannot connect now (57P03)", cannotConnectNow],
    ["connection exception (08006)", connectionFailure],
    ["connection terminated", terminated],
    ["pool connection timeout", poolTimeout],
    ["Prisma raw query over the adapter", prismaRaw],
    ["Prisma over the adapter, server shutting down", prismaShutdown],
    ["Prisma pool timeout (P2024)", poolExhausted],
  ])("answers 503 with Retry-After and no host or port: %s", async (_name, error) => {
    const response = errorResponse(error, ctx());
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "UNAVAILABLE", requestId: "req-db" } });
    expect(text).not.toMatch(/10\.0\.0\.5|5432/);
  });

  it("leaves other failures a 500: a query error, or a refused connection that is not the database's (a fetch)", () => {
    const uniqueViolation = Object.assign(new Error("duplicate key value"), { code: "23505", severity: "ERROR" });
    const fetchFailed = new TypeError("fetch failed", { cause: socketError });
    expect(isDatabaseUnavailable(uniqueViolation)).toBe(false);
    expect(isDatabaseUnavailable(fetchFailed)).toBe(false);
    expect(errorResponse(uniqueViolation, ctx()).status).toBe(500);
    expect(errorResponse(fetchFailed, ctx()).status).toBe(500);
  });
});

describe("isSameOrigin", () => {
  const post = (headers: Record<string, string>) => new Request("http://portal.example.com/api/teams", { method: "POST", headers });

  it("compares the Origin with the request's own Host, never with X-Forwarded-Host", () => {
    expect(isSameOrigin(post({ host: "portal.example.com", origin: "http://portal.example.com" }))).toBe(true);
    expect(isSameOrigin(post({ host: "portal.example.com", origin: "https://evil.example", "x-forwarded-host": "evil.example" }))).toBe(false);
    expect(isSameOrigin(post({ host: "portal.example.com", origin: "null" }))).toBe(false);
    expect(isSameOrigin(post({ host: "portal.example.com", "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(isSameOrigin(post({ host: "portal.example.com", "sec-fetch-site": "same-origin" }))).toBe(true);
  });
});
