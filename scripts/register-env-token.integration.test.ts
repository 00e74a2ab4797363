import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../lib/auth/tokens";
import { applyMigrations, createScratchDatabase, type TRunningDatabase } from "./lib/database";
import { ENV_TOKEN_NAME, registerEnvToken } from "./lib/register-env-token";

let scratch: TRunningDatabase;
beforeAll(async () => {
  scratch = await createScratchDatabase(process.env.DATABASE_URL!, () => undefined);
  await applyMigrations(scratch.url);
});
afterAll(async () => {
  await scratch?.stop();
});

async function tokens() {
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  const { rows } = await client.query<{ tokenHash: string; revoked: boolean; scopes: string[] }>(
    `SELECT "tokenHash", "revokedAt" IS NOT NULL AS revoked, scopes FROM "ApiToken" WHERE name = $1 ORDER BY id`,
    [ENV_TOKEN_NAME],
  );
  await client.end();
  return rows;
}

describe("PORTSIDE_API_TOKEN registration", () => {
  const first = "a".repeat(40);
  const second = "b".repeat(40);

  it("registers the token once, however often the portal starts", async () => {
    expect(await registerEnvToken(scratch.url, first)).toBe("created");
    expect(await registerEnvToken(scratch.url, first)).toBe("unchanged");
    expect(await tokens()).toEqual([{ tokenHash: hashToken(first), revoked: false, scopes: ["ingest"] }]);
  });

  it("revokes the old token when the secret is rotated", async () => {
    expect(await registerEnvToken(scratch.url, second)).toBe("created");
    expect(await tokens()).toEqual([
      { tokenHash: hashToken(first), revoked: true, scopes: ["ingest"] },
      { tokenHash: hashToken(second), revoked: false, scopes: ["ingest"] },
    ]);
  });
});
