/**
 * How the portal's connection pools log in. Locally the password (if any) is
 * in the connection string. In AWS it is in Secrets Manager, and the database
 * stack rotates it every 30 days: a password read once at start would log new
 * connections in with the old one after the first rotation, until a redeploy.
 * So each new connection asks a password source, which keeps the password it
 * last read until a login with it is refused, then reads the secret again.
 */
import pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";
import { readSecretPassword } from "@/lib/aws/secrets-manager";
import { env, requireDatabaseUrl } from "@/lib/env";

/** SQLSTATE 28P01 invalid_password: PostgreSQL's answer to a wrong password (scram or md5). */
const INVALID_PASSWORD = "28P01";
/** Logins tried with a fresh password after a refusal: the current secret, then the pending one mid-rotation. */
const RELOGINS = 2;

export interface TPasswordSource {
  /** The password for a new connection. */
  current(): Promise<string>;
  /**
   * A login with `password` (what current() gave that connection) was refused: the next current() reads the
   * source again, unless the source has already moved on from that password (another connection's refusal
   * was first), so that refusals arriving late do not throw away a password just read.
   */
  refused(password: string): void;
}

/**
 * Keeps what `read` returned until refused(); concurrent callers share one
 * read. `read` gets the refused password (null on the first read), so that it
 * can tell a rotation in progress (the same value again) from a new one.
 */
export function cachedPasswordSource(read: (refused: string | null) => Promise<string>): TPasswordSource {
  let value: string | undefined;
  let refusedValue: string | null = null;
  let pending: Promise<string> | undefined;
  return {
    current() {
      if (value !== undefined) return Promise.resolve(value);
      pending ??= read(refusedValue).then(
        (fresh) => {
          value = fresh;
          pending = undefined;
          return fresh;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    refused(password) {
      if (value === undefined || value !== password) return;
      refusedValue = value;
      value = undefined;
    },
  };
}

/**
 * The database secret's password. A rotation sets the new password on the
 * database (AWSPENDING) a moment before it becomes AWSCURRENT: when the
 * current one is the one just refused, the pending one is tried.
 */
export function secretsManagerPasswordSource(secretArn: string): TPasswordSource {
  return cachedPasswordSource(async (refused) => {
    const current = await readSecretPassword({ secretArn, stage: "AWSCURRENT" });
    if (current === null) throw new Error(`the secret ${secretArn} has no AWSCURRENT version`);
    if (current !== refused) return current;
    return (await readSecretPassword({ secretArn, stage: "AWSPENDING" })) ?? current;
  });
}

let processSource: TPasswordSource | null | undefined;

/** The process's password source (shared by every pool), or null when the password is in the connection string. */
export function databasePasswordSource(): TPasswordSource | null {
  if (processSource === undefined) {
    const secretArn = env().PORTSIDE_DB_SECRET_ARN;
    processSource = secretArn ? secretsManagerPasswordSource(secretArn) : null;
  }
  return processSource;
}

function isPasswordRefused(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === INVALID_PASSWORD;
}

type TConnectCallback = (error: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * A pg Pool whose new connections take their password from a source, and
 * that logs in again with a fresh one when PostgreSQL refuses it, so that the
 * request waiting for the connection never sees the rotation. pg-pool's own
 * query() takes its connection through connect(), so both paths retry.
 */
class PasswordSourcePool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly source: TPasswordSource,
  ) {
    super({ ...config, password: () => source.current() });
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: TConnectCallback): void;
  override connect(callback?: TConnectCallback): Promise<pg.PoolClient> | void {
    const connected = this.connectWithRelogin();
    if (!callback) return connected;
    connected.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), undefined, () => undefined),
    );
  }

  private async connectWithRelogin(): Promise<pg.PoolClient> {
    for (let attempt = 0; ; attempt += 1) {
      // The password this attempt logs in with: the pool's password callback returns the same cached value.
      const password = await this.source.current();
      try {
        return await super.connect();
      } catch (error) {
        if (!isPasswordRefused(error) || attempt >= RELOGINS) throw error;
        this.source.refused(password);
      }
    }
  }
}

export interface TCreateDatabasePoolOptions {
  /** postgresql:// URL; a password in it is ignored when `password` is given. */
  url: string;
  /** Where new connections get their password; null: from the URL. */
  password: TPasswordSource | null;
  /** Any other pg Pool settings (max, application_name, …). */
  pool?: Omit<pg.PoolConfig, "connectionString" | "password">;
}

export function createDatabasePool({ url, password, pool = {} }: TCreateDatabasePoolOptions): pg.Pool {
  if (!password) return new pg.Pool({ ...pool, connectionString: url });
  // Not connectionString: pg would take the URL's (empty) password over the source.
  const parts: pg.PoolConfig = { ...parseIntoClientConfig(url) };
  delete parts.password;
  return new PasswordSourcePool({ ...pool, ...parts }, password);
}

/** The database URL with the password a one-off connection (migrations) should use now. */
export async function resolveDatabaseUrl(): Promise<string> {
  const url = requireDatabaseUrl();
  const source = databasePasswordSource();
  if (!source) return url;
  const withPassword = new URL(url);
  withPassword.password = encodeURIComponent(await source.current());
  return withPassword.toString();
}
