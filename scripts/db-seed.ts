/**
 * npm run db:seed [-- --reset] [--deployments N] [--days D] [--teams T] [--services S] [--now ISO]
 *
 * Generates the deterministic demo organisation into DATABASE_URL (the
 * embedded PostgreSQL when run through npm). Scales by flags for benchmarks.
 */
import { parseArgs } from "node:util";
import { env } from "../lib/env";
import { seedDemo } from "./lib/seed-runner";

const { values } = parseArgs({
  options: {
    reset: { type: "boolean", default: false },
    deployments: { type: "string" },
    days: { type: "string" },
    teams: { type: "string" },
    services: { type: "string" },
    now: { type: "string" },
  },
  strict: true,
});

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/_/g, ""));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive whole number (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

const now = values.now ? new Date(values.now) : undefined;
if (now && Number.isNaN(now.getTime())) {
  console.error(`--now must be an ISO timestamp (got "${values.now}")`);
  process.exit(2);
}
const url = env().databaseUrl;
if (!url) {
  console.error("db:seed needs a database: run it as `npm run db:seed` (embedded PostgreSQL) or set DATABASE_URL.");
  process.exit(2);
}
try {
  const summary = await seedDemo({
    url,
    reset: values.reset,
    log: (line) => console.error(`[portside] ${line}`),
    deployments: positive("deployments", values.deployments),
    days: positive("days", values.days),
    teams: positive("teams", values.teams),
    services: positive("services", values.services),
    ...(now ? { now } : {}),
  });
  console.log(`[portside] ${summary}`);
} catch (error) {
  console.error(`[portside] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
