/**
 * Calls a route's handler in-process, as Next would, for integration tests:
 * the request built from "METHOD /api/path/[param]", its params filled in.
 */
import { routeHandler } from "@/lib/testing/routes";
import { TEST_ORIGIN } from "@/lib/testing/sessions";

export interface TCallRouteOptions {
  /** The path's parameters by name ([id] → { id }). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** Credentials (cookie and origin, or authorization) and any other header. */
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string (then as is, with the content type the headers give). */
  body?: unknown;
}

export async function callRoute(route: string, { params = {}, query = {}, headers = {}, body }: TCallRouteOptions = {}): Promise<Response> {
  const [method, routePath] = route.split(" ") as [string, string];
  const path = routePath.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
  const search = new URLSearchParams(query).toString();
  const isJson = body !== undefined && typeof body !== "string";
  const request = new Request(`${TEST_ORIGIN}${path}${search ? `?${search}` : ""}`, {
    method,
    headers: { ...(isJson ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : isJson ? JSON.stringify(body) : (body as string),
  });
  const handler = await routeHandler(route);
  return handler(request, { params: Promise.resolve(params) });
}
