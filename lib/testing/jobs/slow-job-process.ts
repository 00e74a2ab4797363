/**
 * A process that runs one slow pg-boss job and, like `next start`, exits
 * as soon as its own SIGTERM cleanup is done. Driven by
 * lib/jobs/stop-on-signals.integration.test.ts:
 *
 *   node --import tsx lib/testing/jobs/slow-job-process.ts <schema> <with-stop-on-signals|without>
 *
 * Prints "active <job id>" once the job runs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import PgBoss from "pg-boss";
import { requireDatabaseUrl } from "@/lib/env";
import { stopOnSignals } from "@/lib/jobs/stop-on-signals";

const [schema, mode] = process.argv.slice(2);
if (!schema || (mode !== "with-stop-on-signals" && mode !== "without")) {
  console.error("usage: slow-job-process.ts <schema> <with-stop-on-signals|without>");
  process.exit(2);
}

const boss = new PgBoss({ connectionString: requireDatabaseUrl(), schema, max: 2 });
await boss.start();
await boss.createQueue("slow");

// What Next's start-server does on SIGTERM: drain HTTP (nothing here), then exit 143.
process.once("SIGTERM", () => setTimeout(() => process.exit(143), 20));
if (mode === "with-stop-on-signals") stopOnSignals(() => boss.stop({ graceful: true, timeout: 10_000, wait: true }), { graceMs: 15_000 });

await boss.work("slow", { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
  console.log(`active ${job!.id}`);
  await sleep(1_500);
  return { finished: true };
});
await boss.send("slow", {});
