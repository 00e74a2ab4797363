/**
 * npm run db:migrate — applies prisma/migrations to DATABASE_URL with Prisma's
 * wasm schema engine (no engine download). Safe with several instances
 * starting at once: the engine takes a PostgreSQL advisory lock.
 */
import nextEnv from "@next/env";
import { applyMigrations, ROOT } from "./lib/database";
import { env } from "../lib/env";

nextEnv.loadEnvConfig(ROOT);
const url = env().databaseUrl;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (or PGHOST…). `npm run dev` and `npm test` migrate the embedded database themselves.");
  process.exit(2);
}
const applied = await applyMigrations(url);
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
