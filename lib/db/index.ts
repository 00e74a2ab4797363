import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { createDatabasePool, databasePasswordSource } from "@/lib/db-connection";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env, requireDatabaseUrl } from "@/lib/env";

/**
 * One connection pool, and the one Prisma client on top of it. Kept on
 * globalThis so dev hot reloads reuse them.
 *
 * The few hot paths (deployment ingest, token checks) run their SQL on the
 * same pool as named prepared statements: Prisma spends ~1.4 ms of CPU per
 * raw query, which alone would cap ingest below 1,000 requests/s on two cores.
 *
 * In AWS the pool's new connections read the rotated password from Secrets
 * Manager (lib/db-connection.ts), so a rotation needs no restart.
 */
const globalForDb = globalThis as unknown as { portsideDb?: { pool: pg.Pool; client: PrismaClient } };

function connect() {
  globalForDb.portsideDb ??= (() => {
    const pool = createDatabasePool({ url: requireDatabaseUrl(), password: databasePasswordSource(), pool: { max: env().DATABASE_POOL_SIZE } });
    return { pool, client: new PrismaClient({ adapter: new PrismaPg(pool) }) };
  })();
  return globalForDb.portsideDb;
}

export function getDb(): PrismaClient {
  return connect().client;
}

export function getPool(): pg.Pool {
  return connect().pool;
}

/** Lazily created so that importing a module never opens a connection. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getDb();
    const value = Reflect.get(client, property, client) as unknown;
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(client) : value;
  },
});

/**
 * Closes the Prisma client and the pool under it. Prisma's $disconnect leaves
 * a pool it did not create open, which keeps a command-line process alive
 * until the idle connections time out.
 */
export async function closeDb(): Promise<void> {
  const current = globalForDb.portsideDb;
  if (!current) return;
  globalForDb.portsideDb = undefined;
  await current.client.$disconnect();
  await current.pool.end();
}

/** Runs a named prepared statement on the shared pool (see above for when). */
export async function preparedQuery<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
  const result = await getPool().query<R>({ name, text, values });
  return result.rows;
}

export type { PrismaClient };
export { Prisma } from "@/lib/generated/prisma/client";
