/**
 * The portal's production server (`npm start`, the container image): Next's
 * own request handler, with the few routes in lib/server/direct-routes.ts
 * answered before Next's router (deployment ingest: the route CI systems call
 * once per deployment, where Next's routing was most of the cost).
 *
 *   npm run build && npm start [-- -p 3000 -H 127.0.0.1]
 *   node --import ./scripts/lib/server-hooks.mjs scripts/start.ts [-p PORT] [-H HOST]
 *
 * Runs with the build's own Next config (.next/required-server-files.json),
 * as Next's standalone server.js does, so the same command serves a plain
 * build and the image's standalone one. Stops like `next start`: on SIGTERM or
 * SIGINT it stops accepting connections, finishes the requests in flight
 * (at most STOP_GRACE_MS), and exits with 143 / 130.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import type { THeaderRule } from "../lib/server/direct-routes";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIST = path.join(ROOT, ".next");
/** Under the 30 s that ECS and App Runner wait between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 20_000;

const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});

if (!existsSync(path.join(DIST, "BUILD_ID"))) {
  console.error(`No production build in ${DIST}: run \`npm run build\` first.`);
  process.exit(1);
}
Object.assign(process.env, { NODE_ENV: "production" });
const readJson = <T>(file: string) => JSON.parse(readFileSync(path.join(DIST, file), "utf8")) as T;
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(readJson<{ config: object }>("required-server-files.json").config);
const { headers: headerRules } = readJson<{ headers: THeaderRule[] }>("routes-manifest.json");

const { env } = await import("../lib/env");
const { log } = await import("../lib/log");
const port = values.port === undefined ? env().PORT : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`-p must be a port number (0–65535), not ${JSON.stringify(values.port)}.`);
  process.exit(1);
}
const hostname = values.hostname ?? env().HOSTNAME;

const { default: createNext } = await import("next");
const app = createNext({ dev: false, dir: ROOT, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

const { createDirectRouter } = await import("../lib/server/direct-routes");
const { postDeployments } = await import("../lib/deployments/server/post-deployments");
const direct = createDirectRouter([{ method: "POST", pathname: "/api/deployments", handler: postDeployments }], headerRules);

const server = http.createServer((request, response) => {
  if (direct(request, response)) return;
  handle(request, response).catch((error: unknown) => {
    log.error({ err: error, url: request.url }, "next's request handler failed");
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});
server.listen(port, hostname, () => {
  const address = server.address();
  const where = typeof address === "object" && address ? `${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}` : String(address);
  log.info({ address: where }, "portal listening");
  console.log(`Portside is listening on http://${where}`);
});

let isStopping = false;
function stop(signal: NodeJS.Signals) {
  if (isStopping) return;
  isStopping = true;
  const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
  // Requests still running after the grace period are cut short.
  setTimeout(() => {
    log.warn({ graceMs: STOP_GRACE_MS }, "requests still running at shutdown: closing their connections");
    server.closeAllConnections();
    exit();
  }, STOP_GRACE_MS).unref();
  server.close(() => {
    void app.close().finally(exit);
  });
  server.closeIdleConnections();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
