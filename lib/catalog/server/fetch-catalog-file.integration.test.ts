import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchCatalogFile } from "@/lib/catalog/server/fetch-catalog-file";
import { AppError } from "@/lib/errors";

// Integration project: its PORTSIDE_CATALOG_URL_HOSTS allows 127.0.0.1, where this test's server listens.
let server: Server;
let base: string;
const drips = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/drip.yaml") {
      // A byte at a time, never ending: the connection stays busy, so only a deadline for the whole fetch stops it.
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => res.write("#"), 50);
      drips.add(timer);
      res.once("close", () => {
        clearInterval(timer);
        drips.delete(timer);
      });
    } else if (req.url === "/catalog-info.yaml") res.writeHead(200, { "content-type": "text/plain" }).end("kind: Group\n");
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const timer of drips) clearInterval(timer);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("fetchCatalogFile", () => {
  it("reads a file", async () => {
    expect(await fetchCatalogFile({ url: `${base}/catalog-info.yaml` })).toEqual({ text: "kind: Group\n", source: `${base}/catalog-info.yaml` });
  });

  it("stops a server that drips its answer when the whole fetch passes its time, with a 4xx naming the URL", async () => {
    const error = await fetchCatalogFile({ url: `${base}/drip.yaml`, timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(422);
    expect((error as AppError).message).toBe(`Fetching ${base}/drip.yaml did not finish within 0.5 s; nothing was imported.`);
  });
});
