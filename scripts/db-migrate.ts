/**
 * npm run db:migrate — applies prisma/migrations to DATABASE_URL with Prisma's
 * wasm schema engine (no engine download). Safe with several instances
 * starting at once: the engine takes a PostgreSQL advisory lock. With
 * PORTSIDE_API_TOKEN set (the AWS deployment), it also registers that token.
 * The container image runs it bundled, with plain node (see the Dockerfile).
 */
import nextEnv from "@next/env";
import { applyMigrations, ROOT, StaleDatabaseError } from "./lib/database";
import { resolveDatabaseUrl } from "../lib/db-connection";
import { env } from "../lib/env";
import { registerEnvToken } from "./lib/register-env-token";

nextEnv.loadEnvConfig(ROOT);
if (!env().databaseUrl) {
  console.error("db:migrate needs DATABASE_URL (or PGHOST…). `npm run dev` and `npm test` migrate the embedded database themselves.");
  process.exit(2);
}
// With PORTSIDE_DB_SECRET_ARN (AWS), the password is the secret's current one, read now.
const url = await resolveDatabaseUrl();
/** One sentence for what goes wrong before any migration runs (no database, no server, a refused login), not a wasm stack trace. */
function explain(error: unknown, databaseUrl: string): string {
  // Already one sentence that says what to do (reset the database).
  if (error instanceof StaleDatabaseError) return error.message;
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const where = `${target.hostname}:${target.port || 5432}`;
  const message = (error instanceof Error ? error.message : String(error)).split("\n").map((line) => line.trim()).find(Boolean) ?? "unknown error";
  if (/database .* does not exist/i.test(message)) {
    return `database "${name}" does not exist on ${where} (create it first, e.g. \`createdb ${name}\`, or point DATABASE_URL at an existing one).`;
  }
  return `could not migrate database "${name}" on ${where}: ${message}`;
}

let applied: string[];
try {
  applied = await applyMigrations(url);
} catch (error) {
  console.error(`db:migrate: ${explain(error, url)}`);
  process.exit(1);
}
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
const envToken = env().PORTSIDE_API_TOKEN;
if (envToken) {
  const result = await registerEnvToken(url, envToken);
  console.log(result === "created" ? "Registered PORTSIDE_API_TOKEN as an ingest token (any previous one is revoked)." : "PORTSIDE_API_TOKEN is registered.");
}
