/**
 * Prisma's own schema engine, compiled to WebAssembly, driven through the `pg`
 * driver adapter. Prisma's CLI downloads a native engine binary at run time,
 * which an air-gapped machine cannot fetch; the wasm build ships inside an npm
 * package, so migrations apply and diff with no download. The folders it reads
 * and writes are the standard `prisma/migrations` layout, so stock
 * `prisma migrate` keeps working for anyone with normal network.
 */
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

export const PRISMA_DIR = path.resolve(import.meta.dirname, "../../prisma");
export const SCHEMA_PATH = path.join(PRISMA_DIR, "schema.prisma");
export const MIGRATIONS_DIR = path.join(PRISMA_DIR, "migrations");
export const NO_FILTER = { externalTables: [], externalEnums: [] };

let loaded: Promise<void> | undefined;

function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    // The package's exports map hides package.json; its bindings file sits beside the wasm.
    const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bytes = await readFile(path.join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  })();
  return loaded;
}

/**
 * The pg adapter runs a migration script by splitting it on every ";", which
 * breaks any function body or comment holding one (the DORA triggers, in
 * PL/pgSQL). PostgreSQL runs a whole script sent as one simple query itself,
 * statement by statement, in one implicit transaction: send it that way.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const driver = adapter.underlyingDriver() as pg.Pool;
    const onError = (adapter as unknown as { onError: (error: unknown) => never }).onError.bind(adapter);
    adapter.executeScript = async (script: string) => {
      try {
        await driver.query(script);
      } catch (error) {
        onError(error);
      }
    };
    return adapter;
  }
}

export interface EngineHandle {
  engine: SchemaEngine;
  close: () => Promise<void>;
}

/** Opens the engine on a database; the schema file is given so that diffs can use it. */
export async function openSchemaEngine({ connectionString }: { connectionString: string }): Promise<EngineHandle> {
  await loadWasm();
  const schema = await readFile(SCHEMA_PATH, "utf8");
  // Our own pool, so that closing the engine closes its connections: the
  // engine holds a session-level advisory lock while it migrates, and a
  // connection left open would make the next run wait for it.
  const pool = new pg.Pool({ connectionString, max: 2 });
  const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg(pool));
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (message: string) => {
      if (process.env.PORTSIDE_DEBUG_SCHEMA_ENGINE) console.error(message);
    },
    adapter,
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await pool.end();
    },
  };
}

/** Reads prisma/migrations into the engine's input shape. */
export async function readMigrations(): Promise<MigrationList> {
  let names: string[] = [];
  try {
    names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const migrationDirectories = await Promise.all(
    names.map(async (name) => {
      // Paths relative to the migrations folder, as Prisma's CLI passes them:
      // the engine records the folder name as the migration's name.
      const content = await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8").then(
        (value) => ({ tag: "ok" as const, value }),
        (error: Error) => ({ tag: "error" as const, value: error.message }),
      );
      return { path: name, migrationFile: { path: "migration.sql", content } };
    }),
  );
  const lockContent = await readFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), "utf8").catch(() => null);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}
