import "server-only";
import PgBoss from "pg-boss";
import { requireDatabaseUrl } from "@/lib/env";
import { log } from "@/lib/log";

/** pg-boss keeps its tables in their own schema, beside Prisma's (which manages `public` only). */
export const JOBS_SCHEMA = "pgboss";

/**
 * A pg-boss instance on the portal's database: a small pool of its own, so
 * that queue polling never waits behind web requests for a connection.
 */
export function createBoss(): PgBoss {
  const boss = new PgBoss({
    connectionString: requireDatabaseUrl(),
    schema: JOBS_SCHEMA,
    max: 3,
    application_name: "portside-jobs",
  });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  return boss;
}

/** pg-boss's cron for "every n minutes" (1–60). */
export function everyMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new RangeError(`an interval of 1–60 minutes, not ${minutes}`);
  return minutes === 60 ? "0 * * * *" : `*/${minutes} * * * *`;
}
