import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * The client's address for a portal with no proxy in front (PORTSIDE_TRUSTED_PROXY_HOPS=0).
 *
 * Next's server fills X-Forwarded-For in from the connection only when the request has none
 * (`??=` in next/dist/server/base-server.js), so a client that sends its own would choose the address
 * the bad-token limit counts it under (clientIp in lib/http.ts). Here the header is replaced by the
 * connection's address as each request arrives, through Node's public `http.server.request.start`
 * diagnostics channel, which Node publishes before the server's request listener runs: Next, and every
 * route behind it, then see only an address the client cannot choose. Behind trusted proxies nothing
 * is replaced: the proxies' own entries are what clientIp reads.
 *
 * Subscribed from instrumentation.ts's register(), which Next runs before it handles any request.
 * Requests that arrived while the server was still starting (before the subscription) keep what they
 * were sent: the window between the server listening and register() finishing, before the health
 * check can pass.
 */
export function recordClientAddresses({ trustedProxyHops }: { trustedProxyHops: number }): void {
  if (trustedProxyHops > 0) return;
  const state = globalThis as { portsideClientAddresses?: boolean };
  // Once per process: Next may load this module more than once (one bundle per runtime layer).
  if (state.portsideClientAddresses) return;
  state.portsideClientAddresses = true;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    setForwardedFor(request, socket.remoteAddress);
  });
}

/** Replaces X-Forwarded-For with `address` (or removes it when the connection has none), in both of Node's views of the headers. */
export function setForwardedFor(request: IncomingMessage, address: string | undefined): void {
  // First: Node builds `headers` from `rawHeaders` when it is first read, counting on the parser's count of them.
  const { headers } = request;
  if (address) headers["x-forwarded-for"] = address;
  else delete headers["x-forwarded-for"];
  const raw = request.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]?.toLowerCase() === "x-forwarded-for") raw.splice(i, 2);
  }
  if (address) raw.push("X-Forwarded-For", address);
}
