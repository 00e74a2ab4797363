/** Starts the production build of the portal on a free port for a benchmark, and stops it. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "../scripts/lib/database";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The session secret of the benchmark server (public: benchmarks only). */
export const BENCH_AUTH_SECRET = "bench-only-session-secret-0123456789abcdef";

export async function startPortal(): Promise<{ baseUrl: string; stop: () => void }> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("[bench] no production build yet: running next build…");
    const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    // A production server needs a session secret (it refuses to start without one).
    env: { PORTSIDE_AUTH_SECRET: BENCH_AUTH_SECRET, PORTSIDE_COLLECTORS: "off", ...process.env, LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/api/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error("the portal did not become ready within 60 s");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, stop: () => child.kill("SIGINT") };
}

/** Runs `total` tasks with at most `concurrency` in flight. */
export async function pool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++);
    }),
  );
}
