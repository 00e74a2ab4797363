import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createGzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/catalog/import/route";
import { closeDb, db } from "@/lib/db";
import { makeUser, sessionCookie, TEST_ORIGIN } from "@/lib/testing/sessions";

const FIXTURES = path.join(import.meta.dirname, "../../../../lib/catalog/fixtures");
let server: Server;
let base: string;
/** Bytes (before compression) each endless answer got to send before the portal hung up. */
const sent: Record<string, number> = {};
/** Far more than any answer should get out before the portal stops reading at 1 MiB (socket buffers included). */
const ENDLESS_CAP = 200 * 1024 * 1024;

/** Writes 64 KiB chunks until the client hangs up (or ENDLESS_CAP, so a client that reads everything still ends). */
function sendEndless(name: string, out: NodeJS.WritableStream, onClosed: (listener: () => void) => void) {
  const chunk = Buffer.alloc(64 * 1024, "#");
  let isClosed = false;
  sent[name] = 0;
  onClosed(() => (isClosed = true));
  const pump = () => {
    while (!isClosed && sent[name]! < ENDLESS_CAP) {
      sent[name]! += chunk.length;
      if (!out.write(chunk)) return void out.once("drain", pump);
    }
    out.end();
  };
  pump();
}
let cookie: string;
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  // The fixture under names of its own, so that other tests importing it do not matter.
  const good = (await readFile(path.join(FIXTURES, "catalog-info.yaml"), "utf8")).replaceAll("shipping-api", `shipping-api-${suffix}`).replaceAll("returns-worker", `returns-worker-${suffix}`).replaceAll("fulfilment", `fulfilment-${suffix}`);
  const bad = await readFile(path.join(FIXTURES, "catalog-info-invalid.yaml"), "utf8");
  server = createServer((req, res) => {
    if (req.url === "/acme/shop/catalog-info.yaml") res.writeHead(200, { "content-type": "text/plain" }).end(good);
    else if (req.url === "/acme/broken/catalog-info.yaml") res.writeHead(200).end(bad);
    else if (req.url === "/endless.yaml") {
      // Chunked, no content-length: only counting while reading stops it.
      res.writeHead(200, { "content-type": "text/plain" });
      sendEndless("chunked", res, (listener) => res.once("close", listener));
    } else if (req.url === "/bomb.yaml") {
      // A gzip bomb: a few hundred KB on the wire, without end once decoded.
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" });
      const gzip = createGzip();
      gzip.pipe(res);
      sendEndless("gzip", gzip, (listener) => res.once("close", listener));
    } else if (req.url === "/moved") res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The commerce group the fixture's fulfilment group sits in.
  await db.team.upsert({ where: { slug: "commerce" }, create: { slug: "commerce", name: "Commerce" }, update: {} });
  cookie = await sessionCookie((await makeUser("ADMIN")).email);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeDb();
});

function importFrom(url: string) {
  return POST(
    new Request(`${TEST_ORIGIN}/api/catalog/import`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, origin: TEST_ORIGIN },
      body: JSON.stringify({ url }),
    }),
    { params: Promise.resolve({}) },
  );
}

describe("POST /api/catalog/import from a repository URL", () => {
  it("fetches the file and imports it, and a second import changes nothing", async () => {
    const first = await importFrom(`${base}/acme/shop/catalog-info.yaml`);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { source: string; services: { created: number } };
    expect(body.source).toBe(`${base}/acme/shop/catalog-info.yaml`);
    expect(body.services.created).toBe(2);
    const service = await db.service.findUniqueOrThrow({ where: { slug: `shipping-api-${suffix}` }, select: { catalogSource: true } });
    expect(service.catalogSource).toBe(`${base}/acme/shop/catalog-info.yaml`);

    const again = (await (await importFrom(`${base}/acme/shop/catalog-info.yaml`)).json()) as { services: { created: number; updated: number } };
    expect(again.services).toMatchObject({ created: 0, updated: 0 });
  });

  it("rejects a broken file with its line numbers", async () => {
    const response = await importFrom(`${base}/acme/broken/catalog-info.yaml`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { details: { problems: { line: number; message: string }[] } } };
    expect(body.error.details.problems).toContainEqual({ line: 7, message: "portside.dev/tier: must be 1, 2, 3 or 4" });
  });

  it("stops reading a chunked answer at 1 MiB, with a 413 naming the URL and the limit", async () => {
    const response = await importFrom(`${base}/endless.yaml`);
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toContain(`${base}/endless.yaml is over 1 MiB`);
    expect(sent.chunked).toBeLessThan(64 * 1024 * 1024);
  });

  it("counts the decoded bytes of a compressed answer, so a gzip bomb stops at 1 MiB too", async () => {
    const response = await importFrom(`${base}/bomb.yaml`);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(`${base}/bomb.yaml is over 1 MiB`);
    expect(sent.gzip).toBeLessThan(64 * 1024 * 1024);
  });

  it("fetches only from allowed hosts and never follows redirects", async () => {
    const elsewhere = await importFrom("https://internal.example.net/catalog-info.yaml");
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { error: { message: string } }).error.message).toMatch(/only from github\.com/);
    const moved = await importFrom(`${base}/moved`);
    expect(moved.status).toBe(502);
    const missing = await importFrom(`${base}/nope.yaml`);
    expect(missing.status).toBe(502);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/answered 404/);
  });
});
