/**
 * A password rotation while the portal runs: the database role's password
 * changes, then the secret's (as AWS Secrets Manager's rotation does it: the
 * new password is set on the database while it is still AWSPENDING), and
 * every request keeps being answered, on new connections, with no restart.
 *
 * Its own throw-away cluster (the embedded PostgreSQL binaries, initialised
 * with scram-sha-256): the server in DATABASE_URL may trust every login,
 * where a password change would prove nothing.
 */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient, type GetSecretValueCommandInput } from "@aws-sdk/client-secrets-manager";
import { PrismaPg } from "@prisma/adapter-pg";
import { mockClient } from "aws-sdk-client-mock";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabasePool, secretsManagerPasswordSource } from "@/lib/db-connection";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { startEmbedded, type TRunningDatabase } from "@/scripts/lib/database";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:portside-test/database-AbCdEf";
const ROLE = "portal_app";

const secretsManager = mockClient(SecretsManagerClient);
let stages: Partial<Record<"AWSCURRENT" | "AWSPENDING", string>> = {};

let cluster: TRunningDatabase;
let admin: pg.Client;
let appUrl: (password?: string) => string;

beforeAll(async () => {
  cluster = await startEmbedded({ isFresh: true, isFast: true, log: () => undefined });
  admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'first-password-0001'`);
  stages = { AWSCURRENT: "first-password-0001" };
  const base = new URL(cluster.url);
  appUrl = (password) => {
    const url = new URL(base);
    url.username = ROLE;
    url.password = password ?? "";
    return url.toString();
  };
  secretsManager.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    const value = stages[(input.VersionStage ?? "AWSCURRENT") as "AWSCURRENT" | "AWSPENDING"];
    if (!value) throw new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label", $metadata: {} });
    return { ARN: SECRET_ARN, SecretString: JSON.stringify({ username: ROLE, password: value }) };
  });
}, 120_000);

afterAll(async () => {
  secretsManager.restore();
  await admin?.end();
  await cluster?.stop();
});

/** Sets the role's password on the database, as the rotation's setSecret step does. */
async function setDatabasePassword(password: string) {
  await admin.query(`ALTER ROLE ${ROLE} PASSWORD '${password}'`);
}

async function canLogIn(password: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: appUrl(password) });
  try {
    await client.connect();
    return true;
  } catch (error) {
    expect((error as { code?: string }).code).toBe("28P01");
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe("database password rotation", () => {
  it("new connections log in with the rotated password, and no request fails", async () => {
    // maxUses 1: every request opens a new connection, so every request after a change logs in again.
    const pool = createDatabasePool({ url: appUrl(), password: secretsManagerPasswordSource(SECRET_ARN), pool: { max: 3, maxUses: 1 } });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    // What the portal did before: the password fixed when the pool was made.
    const fixed = new pg.Pool({ connectionString: appUrl("first-password-0001"), max: 1, maxUses: 1 });
    const failures: unknown[] = [];
    let answered = 0;
    async function requests(count: number) {
      const results = await Promise.allSettled(
        Array.from({ length: count }, (_, i) =>
          i % 2 === 0
            ? pool.query<{ who: string }>("SELECT current_user AS who").then((r) => r.rows[0]?.who)
            : prisma.$queryRaw<{ who: string }[]>`SELECT current_user AS who`.then((rows) => rows[0]?.who),
        ),
      );
      for (const r of results) {
        if (r.status === "rejected") failures.push(r.reason);
        else if (r.value === ROLE) answered += 1;
      }
    }
    try {
      await requests(6);
      expect(await fixed.query("SELECT 1")).toBeTruthy();

      // Rotation, step "setSecret": the database has the new password, the secret still calls the old one current.
      stages.AWSPENDING = "second-password-0002";
      await setDatabasePassword("second-password-0002");
      expect(await canLogIn("first-password-0001")).toBe(false); // the server really checks passwords
      await expect(fixed.query("SELECT 1")).rejects.toMatchObject({ code: "28P01" });
      await requests(6);

      // Step "finishSecret": the new password becomes current.
      stages = { AWSCURRENT: "second-password-0002" };
      await requests(6);

      // A change made all at once (an operator's put-secret-value and ALTER ROLE).
      await setDatabasePassword("third-password-0003");
      stages = { AWSCURRENT: "third-password-0003" };
      await requests(6);

      expect(failures).toEqual([]);
      expect(answered).toBe(24);
      // The secret is read when a login needs it, not for every connection.
      expect(secretsManager.commandCalls(GetSecretValueCommand).length).toBeLessThan(10);
    } finally {
      await prisma.$disconnect();
      await pool.end();
      await fixed.end();
    }
  });
});
