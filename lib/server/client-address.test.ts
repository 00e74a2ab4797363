/**
 * What the route handlers get in X-Forwarded-For from a real node:http server, and the address clientIp takes
 * from it. Each request connects from its own loopback address (Linux routes all of 127/8 to lo), as separate
 * clients would. The subscription is once per process, so the trusted-proxy case (nothing subscribed) runs first.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp } from "@/lib/http";
import { recordClientAddresses } from "@/lib/server/client-address";

/** As Next's server does (base-server.js): the connection's address only where the request has no header. */
const server = http.createServer((request, response) => {
  request.headers["x-forwarded-for"] ??= request.socket.remoteAddress;
  const webRequest = new Request("http://portside.test/", { headers: request.headers as Record<string, string> });
  response.setHeader("content-type", "application/json");
  response.end(
    JSON.stringify({
      forwarded: request.headers["x-forwarded-for"],
      raw: request.rawHeaders.filter((_, i, raw) => raw[i - 1]?.toLowerCase() === "x-forwarded-for"),
      noProxy: clientIp(webRequest, 0),
      oneProxy: clientIp(webRequest, 1),
    }),
  );
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function ask(forwarded: string | null, localAddress: string): Promise<{ forwarded: string; raw: string[]; noProxy: string; oneProxy: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, localAddress, agent: false, headers: forwarded === null ? {} : { "x-forwarded-for": forwarded } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve(JSON.parse(text) as { forwarded: string; raw: string[]; noProxy: string; oneProxy: string }));
    });
    request.on("error", reject);
  });
}

describe("the client's address", () => {
  it("behind a trusted proxy, is the address the proxy appended: the header stays as the proxy wrote it", async () => {
    recordClientAddresses({ trustedProxyHops: 1 });
    // 127.0.0.5 plays the load balancer: the client wrote 10.9.9.9, the load balancer appended the client it saw.
    expect(await ask("10.9.9.9, 203.0.113.50", "127.0.0.5")).toMatchObject({ forwarded: "10.9.9.9, 203.0.113.50", oneProxy: "203.0.113.50" });
    // Straight to the server, around the proxy, with no header: the connection's, as Next writes it.
    expect(await ask(null, "127.0.0.6")).toMatchObject({ forwarded: "127.0.0.6", oneProxy: "127.0.0.6" });
  });

  it("with no proxy, is the connection's address, whatever X-Forwarded-For the client sends", async () => {
    recordClientAddresses({ trustedProxyHops: 0 });
    expect(await ask("203.0.113.50", "127.0.0.7")).toEqual({ forwarded: "127.0.0.7", raw: ["127.0.0.7"], noProxy: "127.0.0.7", oneProxy: "127.0.0.7" });
    expect(await ask("198.51.100.1, 198.51.100.2", "127.0.0.8")).toMatchObject({ forwarded: "127.0.0.8", noProxy: "127.0.0.8" });
    expect(await ask(null, "127.0.0.9")).toMatchObject({ forwarded: "127.0.0.9", noProxy: "127.0.0.9" });
  });

  it("is subscribed once, however often the server's start-up code runs", async () => {
    recordClientAddresses({ trustedProxyHops: 0 });
    expect(await ask("203.0.113.50", "127.0.0.10")).toMatchObject({ forwarded: "127.0.0.10", raw: ["127.0.0.10"] });
  });
});
