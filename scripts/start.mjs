/**
 * The portal's production server (`npm start`, the container image): Next's
 * own request handler, with the routes registered in lib/server/direct-routes.ts
 * answered before Next's router, by the handler of the same build (deployment
 * ingest: the route CI systems call once per deployment, where Next's routing
 * was most of the cost).
 *
 *   npm run build && npm start [-- -p 3000 -H 127.0.0.1]
 *   node scripts/start.mjs [-p PORT] [-H HOST] [--keepAliveTimeout MS]
 *
 * Plain JavaScript, so that production runs no TypeScript loader: everything
 * else is the build's. Runs with the build's own Next config
 * (.next/required-server-files.json), as Next's standalone server.js does, so
 * the same command serves a plain build and the image's standalone one. Listens
 * on -p, else PORT, else 3000; on -H, else every address; --keepAliveTimeout
 * (or KEEP_ALIVE_TIMEOUT) as `next start`'s. Stops like `next start`: on SIGTERM or SIGINT it stops accepting connections, finishes
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

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(message);
  process.exit(1);
}

/** @type {{ port?: string, hostname?: string, keepAliveTimeout?: string }} */
let values = {};
try {
  ({ values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" }, keepAliveTimeout: { type: "string" } } }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\nusage: node scripts/start.mjs [-p PORT] [-H HOST] [--keepAliveTimeout MS]`);
}
// The app reads files relative to the working directory (migrations, docs), as the standalone server.js arranges.
process.chdir(ROOT);
// Before the .env files, so that the production ones are read (as the standalone server.js and `next start` do).
process.env.NODE_ENV = "production";
// .env files next, as Next loads them (it does so again when it starts, to the same effect).
nextEnv.loadEnvConfig(ROOT, false, { info: () => undefined, error: console.error });
const logLevel = process.env.LOG_LEVEL ?? "info";
if (!Object.hasOwn(pino.levels.values, logLevel) && logLevel !== "silent") {
  fail(`LOG_LEVEL must be one of ${Object.keys(pino.levels.values).join(", ")} or silent, not ${JSON.stringify(logLevel)}.`);
}
const log = pino({ level: logLevel, base: { service: "portside" }, timestamp: pino.stdTimeFunctions.isoTime });

const portText = values.port ?? process.env.PORT ?? "3000";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port < 1 || port > 65535) fail(`The port must be a number from 1 to 65535 (-p or PORT), not ${JSON.stringify(portText)}.`);
const keepAliveText = values.keepAliveTimeout ?? process.env.KEEP_ALIVE_TIMEOUT;
const keepAliveTimeout = keepAliveText === undefined || keepAliveText === "" ? undefined : Number(keepAliveText);
if (keepAliveTimeout !== undefined && !(Number.isInteger(keepAliveTimeout) && keepAliveTimeout >= 0)) {
  fail(`The keep-alive timeout must be a whole number of milliseconds (--keepAliveTimeout or KEEP_ALIVE_TIMEOUT), not ${JSON.stringify(keepAliveText)}.`);
}
const hostname = values.hostname;
// Validated as lib/env.ts does (which the app reads it through); needed here before the app loads.
const hopsText = process.env.PORTSIDE_TRUSTED_PROXY_HOPS ?? "";
const trustedProxyHops = hopsText === "" ? 0 : Number(hopsText);
if (!(Number.isInteger(trustedProxyHops) && trustedProxyHops >= 0 && trustedProxyHops <= 10)) {
  fail(`PORTSIDE_TRUSTED_PROXY_HOPS must be a whole number from 0 to 10 (the proxies in front that append to X-Forwarded-For), not ${JSON.stringify(hopsText)}.`);
}
if (!existsSync(path.join(DIST, "BUILD_ID"))) {
  console.error(`No production build in ${DIST}: run \`npm run build\` first.`);
  process.exit(1);
}

/** @param {string} file */
function readBuildJson(file) {
  return JSON.parse(readFileSync(path.join(DIST, file), "utf8"));
}

const { config } = readBuildJson("required-server-files.json");
process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
// Route files register their direct routes here when Next loads them (lib/server/direct-routes.ts).
const registry = {
  manifests: {
    compress: config.compress !== false,
    routes: readBuildJson("routes-manifest.json"),
    functionsConfig: readBuildJson("server/functions-config-manifest.json"),
    middleware: readBuildJson("server/middleware-manifest.json"),
  },
  trustedProxyHops,
  /** @type {Map<string, (request: http.IncomingMessage, response: http.ServerResponse) => void>} */
  routes: new Map(),
};

/**
 * X-Forwarded-For as Next gets it, as forwardedFor in lib/server/direct-routes.ts makes it for the direct routes:
 * the connection's address last, after what the trusted proxies wrote, or alone when none are trusted (a client's
 * own value is dropped, so that it cannot choose the address the bad-token limit counts it under). Next itself
 * only fills the header in when it is missing.
 * @param {http.IncomingMessage} request
 */
function recordClientAddress(request) {
  const sent = request.headers["x-forwarded-for"];
  const socketAddress = request.socket.remoteAddress;
  if (trustedProxyHops > 0 && sent) request.headers["x-forwarded-for"] = socketAddress ? `${sent}, ${socketAddress}` : sent;
  else if (socketAddress) request.headers["x-forwarded-for"] = socketAddress;
  else delete request.headers["x-forwarded-for"];
}
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
try {
  await app.prepare();
} catch (error) {
  // Next's own uncaughtException handler only logs: without this, a failed start would leave a process that never listens.
  log.fatal({ err: error }, "the portal could not start");
  process.exit(1);
}
const handle = app.getRequestHandler();

server = http.createServer((request, response) => {
  if (isStopping) response.setHeader("connection", "close");
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  const direct = registry.routes.get(`${request.method} ${query === -1 ? url : url.slice(0, query)}`);
  if (direct) return direct(request, response);
  recordClientAddress(request);
  handle(request, response).catch((/** @type {unknown} */ error) => {
    log.error({ err: error, path: query === -1 ? url : url.slice(0, query) }, "next's request handler failed");
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});
// As `next start --keepAliveTimeout` and the standalone server.js's KEEP_ALIVE_TIMEOUT.
if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
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
