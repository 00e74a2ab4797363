import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { generateToken } from "../lib/auth/tokens";

/** Fails with the list of WCAG A/AA violations axe finds on the page as it is now. */
export async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
  expect(summary).toEqual([]);
}

/** A fresh ingest token written straight into the test database (the token UI comes with the catalog work). */
export async function createIngestToken(): Promise<string> {
  const { token, hash, prefix } = generateToken();
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(`INSERT INTO "ApiToken" (name, "tokenHash", prefix, scopes) VALUES ($1, $2, $3, '{ingest}')`, [
    `e2e-${randomBytes(3).toString("hex")}`,
    hash,
    prefix,
  ]);
  await client.end();
  return token;
}
