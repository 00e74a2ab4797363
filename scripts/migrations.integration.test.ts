import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeSchema } from "./lib/catalog-snapshot";
import { applyMigrations, createScratchDatabase, listRepeatableSql, REPEATABLE_SQL_DIR, StaleDatabaseError, type TRunningDatabase } from "./lib/database";
import { MIGRATIONS_DIR, NO_FILTER, SCHEMA_PATH, openSchemaEngine, readMigrations } from "./lib/schema-engine";

// The schema must never drift from its migrations: what prisma/migrations
// builds is exactly what prisma/schema.prisma describes.
const url = process.env.DATABASE_URL!;
/** Indexes written in raw SQL (by a migration, or a repeatable file of prisma/sql), which schema.prisma cannot describe. */
const RAW_SQL_INDEXES = ["Incident_dora_span_idx", "PostmortemRule_org_key", "Postmortem_search_idx", "Deployment_succeeded_service_environment_finishedAt_idx", "Deployment_failed_service_environment_finishedAt_idx"];
let fromMigrations: TRunningDatabase;
let fromSchema: TRunningDatabase;

beforeAll(async () => {
  fromMigrations = await createScratchDatabase(url, () => undefined);
  fromSchema = await createScratchDatabase(url, () => undefined);
});
afterAll(async () => {
  await fromMigrations?.stop();
  await fromSchema?.stop();
});

/** The repeatable files' own record (scripts/lib/database.ts) is bookkeeping, like _prisma_migrations: no model describes it. */
function withoutBookkeeping(schema: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(schema).map(([key, rows]) => [key, rows.filter((row) => !row.includes("_portside_repeatable_sql"))]));
}

async function diffScript(fromPath: string | null, toPath: string): Promise<string> {
  const handle = await openSchemaEngine({ connectionString: fromSchema.url });
  try {
    const to = { path: toPath, content: await readFile(toPath, "utf8") };
    const result = await handle.engine.diff({
      from: fromPath ? { tag: "schemaDatamodel", files: [{ path: fromPath, content: await readFile(fromPath, "utf8") }] } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [to] },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    return result.exitCode === 0 ? "" : (result.stdout ?? "");
  } finally {
    await handle.close();
  }
}

describe("migrations", () => {
  it("build exactly the schema that schema.prisma describes", async () => {
    const applied = await applyMigrations(fromMigrations.url);
    expect(applied.length).toBeGreaterThan(0);

    const client = new pg.Client({ connectionString: fromSchema.url });
    await client.connect();
    await client.query(await diffScript(null, SCHEMA_PATH));
    await client.end();

    const expected = await describeSchema(fromSchema.url);
    const actual = withoutBookkeeping(await describeSchema(fromMigrations.url));
    expect(actual.columns?.length).toBeGreaterThan(100);
    // Indexes written by hand in a migration (Prisma cannot express them) are there, and are the only extra.
    const handWritten = (actual.indexes ?? []).filter((def) => RAW_SQL_INDEXES.some((name) => def.includes(`INDEX "${name}"`)));
    expect(handWritten).toHaveLength(RAW_SQL_INDEXES.length);
    expect({ ...actual, indexes: actual.indexes?.filter((def) => !handWritten.includes(def)) }).toEqual(expected);
  });

  it("record the schema as of the newest migration, so `db:migration` diffs from the right place", async () => {
    const script = await diffScript(path.join(MIGRATIONS_DIR, "schema-at-head.prisma"), SCHEMA_PATH);
    expect(script, "schema.prisma changed without a migration: run npm run db:migration -- <name>").toBe("");
  });

  it("apply idempotently: a second run applies nothing", async () => {
    expect(await applyMigrations(fromMigrations.url)).toEqual([]);
  });
});

/** The functions and triggers the repeatable files of prisma/sql declare, by name. */
async function declaredInFiles() {
  const functions = new Set<string>();
  const triggers = new Set<string>();
  for (const file of await listRepeatableSql()) {
    const text = await readFile(path.join(REPEATABLE_SQL_DIR, file), "utf8");
    for (const match of text.matchAll(/^CREATE OR REPLACE FUNCTION (\w+)\(/gm)) functions.add(match[1]!);
    for (const match of text.matchAll(/^CREATE OR REPLACE TRIGGER (\w+) /gm)) triggers.add(match[1]!);
  }
  return { functions, triggers };
}

/** Every DORA function's and trigger's definition as PostgreSQL states it, and those of the other functions the files declare, by name. */
async function doraDefinitions(client: pg.ClientBase) {
  const { functions: declared } = await declaredInFiles();
  const { rows: functions } = await client.query<{ name: string; def: string }>(
    `SELECT p.proname AS name, pg_get_functiondef(p.oid) AS def FROM pg_proc p
     WHERE p.pronamespace = 'public'::regnamespace AND (p.proname LIKE 'dora\\_%' OR p.proname = ANY ($1::text[])) ORDER BY 1`,
    [[...declared]],
  );
  const { rows: triggers } = await client.query<{ name: string; def: string }>(
    `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def FROM pg_trigger t
     WHERE NOT t.tgisinternal AND t.tgname LIKE 'dora\\_%' ORDER BY 1`,
  );
  return { functions: Object.fromEntries(functions.map((r) => [r.name, r.def])), triggers: Object.fromEntries(triggers.map((r) => [r.name, r.def])) };
}

/** The definitions the files give, applied on this database in a transaction that is rolled back. */
async function definitionsOfTheFiles(client: pg.ClientBase) {
  await client.query("BEGIN");
  try {
    for (const file of await listRepeatableSql()) await client.query(await readFile(path.join(REPEATABLE_SQL_DIR, file), "utf8"));
    return await doraDefinitions(client);
  } finally {
    await client.query("ROLLBACK");
  }
}

describe("the functions and triggers of the repeatable files (prisma/sql: the DORA rules, the team tree)", () => {
  it("have one definition each, in the repeatable files: no versioned migration defines them", async () => {
    const { functions, triggers } = await declaredInFiles();
    expect(functions.size).toBeGreaterThan(10);
    expect(triggers.size).toBeGreaterThan(10);
    const names = [...functions, ...triggers];
    for (const file of await listRepeatableSql()) {
      const text = await readFile(path.join(REPEATABLE_SQL_DIR, file), "utf8");
      for (const name of names) {
        const definitions = text.match(new RegExp(`^CREATE OR REPLACE (FUNCTION|TRIGGER) ${name}[ (]`, "gm")) ?? [];
        if (definitions.length) expect(definitions, `${name} in ${file}`).toHaveLength(1);
      }
    }
    const defined = new RegExp(`\\b(CREATE|ALTER|DROP)\\s+(OR\\s+REPLACE\\s+)?(FUNCTION|TRIGGER)\\s+(IF\\s+EXISTS\\s+)?("?public"?\\.)?"?(${names.join("|")})\\b`, "i");
    for (const migration of (await readMigrations()).migrationDirectories) {
      const content = migration.migrationFile.content;
      expect(content.tag === "ok" && defined.exec(content.value)?.[0], migration.path).toBeFalsy();
    }
  });

  it("in the database are exactly those of the files, and no others", async () => {
    const { functions, triggers } = await declaredInFiles();
    const client = new pg.Client({ connectionString: fromMigrations.url });
    await client.connect();
    try {
      const inDatabase = await doraDefinitions(client);
      expect(Object.keys(inDatabase.functions).sort()).toEqual([...functions].sort());
      expect(Object.keys(inDatabase.triggers).sort()).toEqual([...triggers].sort());
      expect(inDatabase).toEqual(await definitionsOfTheFiles(client));
    } finally {
      await client.end();
    }
  });

  it("are applied again when their file changes, and only then", async () => {
    const client = new pg.Client({ connectionString: fromMigrations.url });
    await client.connect();
    try {
      const fromFiles = await doraDefinitions(client);
      // A definition changed behind the files' back stays while its file is unchanged…
      await client.query("CREATE OR REPLACE FUNCTION dora_bucket(s integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 0 $$");
      expect(await applyMigrations(fromMigrations.url)).toEqual([]);
      expect((await doraDefinitions(client)).functions.dora_bucket).not.toBe(fromFiles.functions.dora_bucket);
      // …and the file's is back once the file has changed (as far as the record says).
      await client.query(`UPDATE "_portside_repeatable_sql" SET checksum = 'edited' WHERE file = 'dora/10-helpers.sql'`);
      expect(await applyMigrations(fromMigrations.url)).toEqual(["sql/dora/10-helpers.sql"]);
      expect(await doraDefinitions(client)).toEqual(fromFiles);
      const { rows } = await client.query(`SELECT indexname FROM pg_indexes WHERE indexname = 'Incident_dora_span_idx'`);
      expect(rows).toHaveLength(1);
    } finally {
      await client.end();
    }
  });
});

describe("a database migrated before its migrations were rewritten", () => {
  let stale: TRunningDatabase;
  beforeAll(async () => {
    stale = await createScratchDatabase(url, () => undefined);
    await applyMigrations(stale.url);
  });
  afterAll(async () => {
    await stale?.stop();
  });

  async function sql(text: string) {
    const client = new pg.Client({ connectionString: stale.url });
    await client.connect();
    try {
      return (await client.query<Record<string, string>>(text)).rows;
    } finally {
      await client.end();
    }
  }

  async function refusal() {
    const error = await applyMigrations(stale.url).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(StaleDatabaseError);
    const message = (error as Error).message;
    // One sentence that says how to reset it, whichever database it is.
    expect(message).not.toContain("\n");
    expect(message).toMatch(/must be reset: .*delete \.data\/postgres.*drop and recreate the database DATABASE_URL names, then run the command again\.$/);
    return message;
  }

  it("is refused, with one sentence on how to reset it, when a recorded migration was edited", async () => {
    const [recorded] = await sql(`SELECT checksum FROM _prisma_migrations WHERE migration_name = '20261127032000_dora_rollups'`);
    await sql(`UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = '20261127032000_dora_rollups'`);
    expect(await refusal()).toContain("(20261127032000_dora_rollups changed)");
    await sql(`UPDATE _prisma_migrations SET checksum = '${recorded!.checksum}' WHERE migration_name = '20261127032000_dora_rollups'`);
    expect(await applyMigrations(stale.url)).toEqual([]);
  });

  it("is refused when a recorded migration no longer exists", async () => {
    await sql(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES (gen_random_uuid()::text, repeat('0', 64), '20261127042000_dora_histogram_levels_to_64_days', now(), now(), 1)`,
    );
    expect(await refusal()).toContain("20261127042000_dora_histogram_levels_to_64_days no longer in prisma/migrations");
  });
});
