import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/openapi";

const API_DIR = path.join(import.meta.dirname, "..", "app", "api");

/** "METHOD /api/path/{param}" for every handler a route file exports (read from source: no module loading needed). */
async function routeOperations(dir: string, prefix = "/api"): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const segment = entry.name.replace(/^\[(\w+)\]$/, "{$1}");
      found.push(...(await routeOperations(path.join(dir, entry.name), `${prefix}/${segment}`)));
    } else if (entry.name === "route.ts") {
      const source = await readFile(path.join(dir, entry.name), "utf8");
      for (const [, method] of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) found.push(`${method} ${prefix}`);
    }
  }
  return found;
}

describe("the OpenAPI document", () => {
  it("describes every route the portal serves, and nothing it does not", async () => {
    const doc = buildOpenApiDocument();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    // better-auth's own endpoints (sign-in, callback, sign-out) and the document itself are not part of the API.
    const served = (await routeOperations(API_DIR)).filter((op) => !op.includes("/api/auth/") && op !== "GET /api/openapi.json");
    expect(served.sort()).toEqual(documented.sort());
  });

  it("gives every change made with a session the 401 and 403 answers", () => {
    const doc = buildOpenApiDocument();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { security?: unknown[]; responses: Record<string, unknown> }>)) {
        if (method === "get") continue;
        expect(Object.keys(op.responses), `${method} ${p}`).toEqual(expect.arrayContaining(["401", "403"]));
        expect(op.security, `${method} ${p}`).toBeDefined();
      }
    }
  });
});
