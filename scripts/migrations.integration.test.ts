import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeSchema } from "./lib/catalog-snapshot";
import { applyMigrations, createScratchDatabase, type TRunningDatabase } from "./lib/database";
import { MIGRATIONS_DIR, NO_FILTER, SCHEMA_PATH, openSchemaEngine } from "./lib/schema-engine";

// The schema must never drift from its migrations: what prisma/migrations
// builds is exactly what prisma/schema.prisma describes.
const url = process.env.DATABASE_URL!;
/** Indexes a migration creates in raw SQL, which schema.prisma cannot describe. */
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
    const actual = await describeSchema(fromMigrations.url);
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
