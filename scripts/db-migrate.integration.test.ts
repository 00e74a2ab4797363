import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

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
});
