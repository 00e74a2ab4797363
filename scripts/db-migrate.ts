/**
 * npm run db:migrate — applies prisma/migrations to DATABASE_URL with Prisma's
 * wasm schema engine (no engine download). Safe with several instances
 * starting at once: the engine takes a PostgreSQL advisory lock. With
 * PORTSIDE_API_TOKEN set (the AWS deployment), it also registers that token.
 */
import nextEnv from "@next/env";
import { applyMigrations, ROOT } from "./lib/database";
import { env } from "../lib/env";
import { registerEnvToken } from "./lib/register-env-token";

nextEnv.loadEnvConfig(ROOT);
const url = env().databaseUrl;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (or PGHOST…). `npm run dev` and `npm test` migrate the embedded database themselves.");
  process.exit(2);
}
const applied = await applyMigrations(url);
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
const envToken = env().PORTSIDE_API_TOKEN;
if (envToken) {
  const result = await registerEnvToken(url, envToken);
  console.log(result === "created" ? "Registered PORTSIDE_API_TOKEN as an ingest token (any previous one is revoked)." : "PORTSIDE_API_TOKEN is registered.");
}
