/**
 * The portal's production server (`npm start`, the container image): Next's
 * own request handler, with the routes registered in lib/server/direct-routes.ts
 * answered before Next's router, by the handler of the same build (deployment
 * ingest: the route CI systems call once per deployment, where Next's routing
 * was most of the cost).
 *
 *   npm run build && npm start [-- -p 3000 -H 127.0.0.1]
 *   node scripts/start.mjs [-p PORT] [-H HOST]
 *
 * Plain JavaScript, so that production runs no TypeScript loader: everything
 * else is the build's. Runs with the build's own Next config
 * (.next/required-server-files.json), as Next's standalone server.js does, so
 * the same command serves a plain build and the image's standalone one. Listens
 * on -p, else PORT, else 3000; on -H, else every address. Stops like
 * `next start`: on SIGTERM or SIGINT it stops accepting connections, finishes
 * the requests in flight (at most STOP_GRACE_MS) and exits with 143 / 130.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import pino from "pino";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIST = path.join(ROOT, ".next");
/** Under the 30 s that ECS and App Runner wait between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 20_000;
/** As DIRECT_ROUTES_KEY in lib/server/direct-routes.ts. */
const DIRECT_ROUTES_KEY = Symbol.for("portside.directRoutes");

// .env files first, as Next loads them (it does so again when it starts, to the same effect).
nextEnv.loadEnvConfig(ROOT, false, { info: () => undefined, error: console.error });
const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { service: "portside" }, timestamp: pino.stdTimeFunctions.isoTime });

const { values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } });
const portText = values.port ?? process.env.PORT ?? "3000";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  console.error(`The port must be a number from 0 to 65535 (-p or PORT), not ${JSON.stringify(portText)}.`);
  process.exit(1);
}
const hostname = values.hostname;
if (!existsSync(path.join(DIST, "BUILD_ID"))) {
  console.error(`No production build in ${DIST}: run \`npm run build\` first.`);
  process.exit(1);
}

/** @param {string} file @param {boolean} [isOptional] */
function readBuildJson(file, isOptional = false) {
  const where = path.join(DIST, file);
  if (isOptional && !existsSync(where)) return undefined;
  return JSON.parse(readFileSync(where, "utf8"));
}

process.env.NODE_ENV = "production";
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(readBuildJson("required-server-files.json").config);
// Route files register their direct routes here when Next loads them (lib/server/direct-routes.ts).
const registry = {
  manifests: {
    routes: readBuildJson("routes-manifest.json"),
    functionsConfig: readBuildJson("server/functions-config-manifest.json", true),
    middleware: readBuildJson("server/middleware-manifest.json", true),
  },
  /** @type {Map<string, (request: http.IncomingMessage, response: http.ServerResponse) => void>} */
  routes: new Map(),
};
Object.assign(globalThis, { [DIRECT_ROUTES_KEY]: registry });

/** @type {http.Server | null} */
let server = null;
let isStopping = false;
/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (isStopping) return;
  isStopping = true;
  const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
  if (!server?.listening) return exit();
  // Requests still running after the grace period are cut short.
  setTimeout(() => {
    log.warn({ graceMs: STOP_GRACE_MS }, "requests still running at shutdown: closing their connections");
    server?.closeAllConnections();
    exit();
  }, STOP_GRACE_MS).unref();
  // Stops listening and closes idle connections; busy ones close after their answer (see below).
  server.close(() => void app.close().finally(exit));
}
// Before Next starts, so that a stop asked for while it starts is not lost.
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

const createNext = createRequire(import.meta.url)("next");
const app = createNext({ dev: false, dir: ROOT, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();

server = http.createServer((request, response) => {
  if (isStopping) response.setHeader("connection", "close");
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const direct = registry.routes.get(`${request.method} ${query === -1 ? url : url.slice(0, query)}`);
  if (direct) return direct(request, response);
  handle(request, response).catch((/** @type {unknown} */ error) => {
    log.error({ err: error, url }, "next's request handler failed");
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});
// As Next's standalone server.js.
const keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT || Number.NaN);
if (Number.isFinite(keepAliveTimeout) && keepAliveTimeout >= 0) server.keepAliveTimeout = keepAliveTimeout;
server.once("error", (error) => {
  log.fatal({ err: error }, "the portal cannot listen");
  process.exit(1);
});
server.listen(port, hostname, () => {
  const address = server?.address();
  if (typeof address !== "object" || address === null) return;
  // Every address (no -H): the local one is the one to open.
  const host = ["::", "0.0.0.0"].includes(address.address) ? "localhost" : address.address.includes(":") ? `[${address.address}]` : address.address;
  log.info({ address: address.address, port: address.port }, "portal listening");
  console.log(`Portside is listening on http://${host}:${address.port}`);
});
