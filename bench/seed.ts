/**
 * bench/seed — the time to generate the demo organisation with 1,000,000
 * production deployments (3 years, 200 teams, 2,000 services) into a fresh,
 * durable PostgreSQL.
 *
 *   npm run bench:seed [-- --deployments 1000000]
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { seedDemo } from "../scripts/lib/seed-runner";

const { values } = parseArgs({ options: { deployments: { type: "string", default: "1000000" }, teams: { type: "string", default: "200" }, services: { type: "string", default: "2000" } } });
const deployments = Number(values.deployments);
const url = process.env.DATABASE_URL!;
const started = performance.now();
const summary = await seedDemo({
  url,
  deployments,
  days: 1095,
  teams: Number(values.teams),
  services: Number(values.services),
  now: new Date("2026-11-26T12:00:00Z"),
  log: () => undefined,
});
const seconds = (performance.now() - started) / 1000;
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query<{ d: number; c: number; i: number }>(`SELECT (SELECT count(*)::int FROM "Deployment") d, (SELECT count(*)::int FROM "Change") c, (SELECT count(*)::int FROM "Incident") i`);
await client.end();
console.log(`seed benchmark: ${summary.split("\n")[0]}`);
console.log(`  ${rows[0]!.d.toLocaleString("en")} deployments, ${rows[0]!.c.toLocaleString("en")} commits, ${rows[0]!.i.toLocaleString("en")} incidents in ${seconds.toFixed(1)} s`);
console.log(`  = ${Math.round(rows[0]!.d / seconds).toLocaleString("en")} deployments/s (${Math.round((rows[0]!.d + rows[0]!.c) / seconds).toLocaleString("en")} rows/s with commits)`);
