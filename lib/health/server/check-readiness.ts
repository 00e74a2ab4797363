import "server-only";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { log as rootLog, type TLogger } from "@/lib/log";

export interface TReadiness {
  isReady: boolean;
  database: "ok" | "unreachable";
  migrations: { expected: number; applied: number; pending: string[]; failed: string[] } | null;
  /**
   * The DORA refresh queue (lib/dora/server/refresh-dora-facts.ts): writes whose figures are not computed yet, and
   * how long the oldest has waited. Informational: a backlog does not make the portal unready (reads drain first).
   * Counted up to DORA_BACKLOG_COUNT_LIMIT, so that a probe stays cheap whatever the backlog; null until migrated.
   */
  doraRefresh?: { pending: number; isPendingCapped: boolean; oldestSeconds: number | null } | null;
  /** A plain reason for anyone who asks (the probe is anonymous): the driver's words, with host and port, go to the log. */
  error?: string;
}

export const DORA_BACKLOG_COUNT_LIMIT = 10_000;

let shipped: Promise<string[]> | undefined;

/** The migrations this build ships: read once, they cannot change while the process runs. */
function expectedMigrations(): Promise<string[]> {
  shipped ??= readdir(path.join(process.cwd(), "prisma", "migrations"), { withFileTypes: true }).then(
    (entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(),
    (error: unknown) => {
      shipped = undefined;
      throw error;
    },
  );
  return shipped;
}

/** Prisma puts the driver's words on the last line of a multi-line message. */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split("\n").map((line) => line.trim()).filter(Boolean).at(-1) ?? text;
}

/** Ready means: the database answers, and every migration in prisma/migrations is applied. */
export async function checkReadiness({ log = rootLog }: { log?: TLogger } = {}): Promise<TReadiness> {
  let rows: { migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[];
  try {
    rows = await db.$queryRaw`SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations`;
  } catch (error) {
    const message = describeError(error);
    const isMissingTable = /_prisma_migrations/.test(message) && /does not exist/.test(message);
    if (isMissingTable) {
      const expected = await expectedMigrations();
      return { isReady: false, database: "ok", migrations: { expected: expected.length, applied: 0, pending: expected, failed: [] } };
    }
    log.warn({ err: error }, `readiness: the database did not answer: ${message}`);
    return { isReady: false, database: "unreachable", migrations: null, error: "The database did not answer; the server log has the detail." };
  }
  const expected = await expectedMigrations();
  const applied = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
  const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name);
  const pending = expected.filter((name) => !applied.has(name));
  const isReady = pending.length === 0 && failed.length === 0;
  return {
    isReady,
    database: "ok",
    migrations: { expected: expected.length, applied: applied.size, pending, failed },
    doraRefresh: isReady ? await doraBacklog() : null,
  };
}

async function doraBacklog(): Promise<NonNullable<TReadiness["doraRefresh"]>> {
  const [row] = await db.$queryRaw<{ pending: number; oldestSeconds: number | null }[]>`
    SELECT (SELECT count(*)::int FROM (SELECT 1 FROM "DoraPending" LIMIT ${DORA_BACKLOG_COUNT_LIMIT + 1}) p) AS pending,
           (SELECT extract(epoch FROM LOCALTIMESTAMP - "createdAt")::float8 FROM "DoraPending" ORDER BY id LIMIT 1) AS "oldestSeconds"`;
  const count = row?.pending ?? 0;
  return {
    pending: Math.min(count, DORA_BACKLOG_COUNT_LIMIT),
    isPendingCapped: count > DORA_BACKLOG_COUNT_LIMIT,
    oldestSeconds: row?.oldestSeconds === null || row?.oldestSeconds === undefined ? null : Math.max(0, Math.round(row.oldestSeconds)),
  };
}
