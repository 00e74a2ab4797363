import pg from "pg";
import { hashToken } from "../../lib/auth/tokens";

export const ENV_TOKEN_NAME = "eventbridge (PORTSIDE_API_TOKEN)";

/**
 * Makes the token in PORTSIDE_API_TOKEN a live ingest token, and revokes the
 * one it replaces: rotating the secret and restarting the portal is the whole
 * rotation. Idempotent: the same token twice changes nothing.
 */
export async function registerEnvToken(url: string, token: string): Promise<"created" | "unchanged"> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN");
    const hash = hashToken(token);
    await client.query(
      `UPDATE "ApiToken" SET "revokedAt" = now() AT TIME ZONE 'UTC' WHERE name = $1 AND "tokenHash" <> $2 AND "revokedAt" IS NULL`,
      [ENV_TOKEN_NAME, hash],
    );
    const inserted = await client.query(
      `INSERT INTO "ApiToken" (name, "tokenHash", prefix, scopes) VALUES ($1, $2, $3, '{ingest}') ON CONFLICT ("tokenHash") DO NOTHING`,
      [ENV_TOKEN_NAME, hash, token.slice(0, 10)],
    );
    await client.query("COMMIT");
    return inserted.rowCount === 1 ? "created" : "unchanged";
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
