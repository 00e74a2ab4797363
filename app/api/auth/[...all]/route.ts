import { CLIENT_IP_HEADER, getAuth } from "@/lib/auth/server/auth";
import { clientIp } from "@/lib/http";

/**
 * better-auth's endpoints: SSO sign-in and callback, dev sign-in, session,
 * sign-out. The client address it rate-limits by is the one the rest of the
 * portal uses (the nearest proxy's view), passed in a header nobody else sets.
 */
function handle(request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.delete(CLIENT_IP_HEADER);
  const ip = clientIp(request);
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  // A new request from the parts, not `new Request(request, …)`: on Node 24 that copy of Next's request throws
  // "Cannot read private member #state" (the request body is handed over as a stream).
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers, signal: request.signal, ...(hasBody ? { body: request.body, duplex: "half" } : {}) };
  return getAuth().handler(new Request(request.url, init));
}

export const GET = handle;
export const POST = handle;
