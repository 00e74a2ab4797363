/**
 * A job running when the server is told to stop is finished (or failed, to
 * be retried) before the process exits, even though the server's own
 * SIGTERM handler exits at once. Real processes, real signals, a real
 * PostgreSQL.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { once } from "node:events";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { requireDatabaseUrl } from "@/lib/env";
import { uniqueSlug } from "@/lib/testing/fixtures";

const root = path.resolve(import.meta.dirname, "../..");
const schemas: string[] = [];

afterAll(async () => {
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

/** Runs the process until its job is active, sends SIGTERM, and returns the exit code and the job's state afterwards. */
async function stopWhileActive(mode: "with-stop-on-signals" | "without") {
  const schema = uniqueSlug("pgboss_sigterm").replaceAll("-", "_");
  schemas.push(schema);
  // tsx as a loader in the process itself: its command line would stand between the signal and the process (and
  // kill it when it does not answer the relayed signal within 30 ms, as on a busy machine).
  const child = spawn(process.execPath, ["--import", "tsx", "lib/testing/jobs/slow-job-process.ts", schema, mode], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const jobId = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /active (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the process exited (${code}) before its job ran: ${out}`)));
  });
  child.kill("SIGTERM");
  const [code] = (await once(child, "exit")) as [number | null];
  const client = new pg.Client({ connectionString: requireDatabaseUrl() });
  await client.connect();
  const { rows } = await client.query<{ state: string; output: unknown }>(`SELECT state, output FROM "${schema}".job WHERE id = $1`, [jobId]);
  await client.end();
  return { code, state: rows[0]?.state, output: rows[0]?.output };
}

describe("stopOnSignals", () => {
  it("holds the server's exit until the running job has finished", async () => {
    const { code, state, output } = await stopWhileActive("with-stop-on-signals");
    expect(code).toBe(143);
    expect(state).toBe("completed");
    expect(output).toEqual({ finished: true });
  });

  it("is needed: without it the exit leaves the job active until it expires", async () => {
    const { code, state } = await stopWhileActive("without");
    expect(code).toBe(143);
    expect(state).toBe("active");
  });
});
