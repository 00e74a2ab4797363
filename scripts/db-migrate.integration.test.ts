import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { applyMigrations, createScratchDatabase } from "./lib/database";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The environment without PORTSIDE_API_TOKEN: registering it is not what this checks. */
function withoutApiToken(): NodeJS.ProcessEnv {
  const rest = { ...process.env };
  delete rest.PORTSIDE_API_TOKEN;
  return rest;
}

function dbMigrate(databaseUrl: string) {
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/db-migrate.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...withoutApiToken(), DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" },
  });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe("npm run db:migrate", () => {
  it("says in one sentence that the database does not exist, without a stack trace", () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = "/portside_no_such_database";
    const { code, stderr } = dbMigrate(url.toString());
    expect(code).toBe(1);
    const where = `${url.hostname}:${url.port || "5432"}`.replaceAll(".", "\\.");
    expect(stderr.split("\n")).toEqual([expect.stringMatching(new RegExp(`^db:migrate: database "portside_no_such_database" does not exist on ${where} \\(create it first`))]);
  });

  it("says in one sentence how to reset a database migrated before its migrations were rewritten, and changes nothing", async () => {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL!, () => undefined);
    try {
      await applyMigrations(scratch.url);
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        // As a developer's .data/postgres from before the DORA migrations were squashed records them.
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES (gen_random_uuid()::text, repeat('0', 64), '20261127060640_dora_refresh_queue', now(), now(), 1)`,
        );
        await client.query(`DELETE FROM "_portside_repeatable_sql"`);
        const { code, stdout, stderr } = dbMigrate(scratch.url);
        expect(code).toBe(1);
        expect(stdout).toBe("");
        expect(stderr.split("\n")).toEqual([
          expect.stringMatching(/^db:migrate: Database "[^"]+" was migrated before its migrations were rewritten \(20261127060640_dora_refresh_queue no longer in prisma\/migrations\), so it must be reset: .*\.$/),
        ]);
        // Refused before anything ran: the repeatable files were not applied either.
        const { rows } = await client.query(`SELECT file FROM "_portside_repeatable_sql"`);
        expect(rows).toEqual([]);
      } finally {
        await client.end();
      }
    } finally {
      await scratch.stop();
    }
  });
});
