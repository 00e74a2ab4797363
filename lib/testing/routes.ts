/**
 * The API's route handlers, found the way Next finds them (every app/api/**\/route.ts), for the tests that must
 * cover every route: a route added without its cases fails them.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";

export type TRouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const API_DIR = path.join(import.meta.dirname, "..", "..", "app", "api");

/** The handler of "METHOD /api/path/[param]". */
export async function routeHandler(route: string): Promise<TRouteHandler> {
  const [method, urlPath] = route.split(" ") as [string, string];
  const mod = (await import(path.join(API_DIR, "..", urlPath, "route.ts"))) as Record<string, TRouteHandler | undefined>;
  const handler = mod[method];
  if (!handler) throw new Error(`${route}: no ${method} export`);
  return handler;
}

/** Every "METHOD /api/…" that changes something (POST, PUT, PATCH, DELETE). */
export async function mutatingRoutes(dir = API_DIR, prefix = "/api"): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) found.push(...(await mutatingRoutes(path.join(dir, entry.name), `${prefix}/${entry.name}`)));
    else if (entry.name === "route.ts") {
      const mod = (await import(path.join(dir, entry.name))) as Record<string, unknown>;
      for (const method of ["POST", "PUT", "PATCH", "DELETE"]) if (typeof mod[method] === "function") found.push(`${method} ${prefix}`);
    }
  }
  return found;
}
