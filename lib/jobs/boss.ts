import "server-only";
import PgBoss from "pg-boss";
import { createDatabasePool, databasePasswordSource } from "@/lib/db-connection";
import { requireDatabaseUrl } from "@/lib/env";
import { readQueueMetrics, toEmfLine } from "@/lib/jobs/queue-metrics";
import { log } from "@/lib/log";

/** pg-boss keeps its tables in their own schema, beside Prisma's (which manages `public` only). */
export const JOBS_SCHEMA = "pgboss";

/**
 * A pg-boss instance on the portal's database: a small pool of its own, so
 * that queue polling never waits behind web requests for a connection. The
 * pool is ours (pg-boss's `db` option) so that it logs in as lib/db/index.ts's does,
 * with the rotated password in AWS; it is closed when pg-boss has stopped.
 */
export function createBoss(): PgBoss {
  const pool = createDatabasePool({
    url: requireDatabaseUrl(),
    password: databasePasswordSource(),
    pool: { max: 3, application_name: "portside-jobs" },
  });
  pool.on("error", (error) => log.error({ err: error }, "job queue connection error"));
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema: JOBS_SCHEMA,
    // Once a minute on one instance of all: the moment to publish the queue's metrics (lib/jobs/queue-metrics.ts).
    monitorStateIntervalSeconds: 60,
  });
  boss.on("monitor-states", () => {
    readQueueMetrics({ db: pool, jobsSchema: JOBS_SCHEMA }).then(
      (metrics) => process.stdout.write(`${toEmfLine(metrics, new Date())}\n`),
      (error: unknown) => log.warn({ err: error }, "could not read the job queue's metrics"),
    );
  });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  boss.on("stopped", () => {
    pool.end().catch((error: unknown) => log.error({ err: error }, "closing the job queue's connections"));
  });
  return boss;
}

/** pg-boss's cron for "every n minutes" (1–60). */
export function everyMinutes(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new RangeError(`an interval of 1–60 minutes, not ${minutes}`);
  return minutes === 60 ? "0 * * * *" : `*/${minutes} * * * *`;
}
