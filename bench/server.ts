/** Starts the production build of the portal on a free port for a benchmark, and stops it. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { freePort } from "../scripts/lib/database";

const ROOT = path.resolve(import.meta.dirname, "..");

/** The session secret of the benchmark server (public: benchmarks only). */
export const BENCH_AUTH_SECRET = "bench-only-session-secret-0123456789abcdef";

export async function startPortal(): Promise<{ baseUrl: string; pid: number; stop: () => void }> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("[bench] no production build yet: running next build…");
    const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { cwd: ROOT, stdio: "inherit" });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS passes options to the server's node, e.g. "--cpu-prof --cpu-prof-dir=.bench-profiles" to see where its time goes.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  // Next's own server, as `npm start` runs it (the image runs the standalone build's server.js, the same server).
  const child = spawn(process.execPath, [...nodeArgs, "node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
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
  return { baseUrl, pid: child.pid!, stop: () => child.kill("SIGINT") };
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

/**
 * Parent pid and CPU seconds (user + system) of a process, with those of its
 * children that exited (PostgreSQL backends come and go), from /proc; null
 * where /proc cannot tell (not Linux, gone).
 */
function procStat(pid: number | string): { ppid: number; cpuSeconds: number } | null {
  try {
    // The command name may hold spaces and parentheses: fields are counted after its closing ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return { ppid: Number(fields[1]), cpuSeconds: ticks / 100 };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by a process and its direct children (the
 * portal's server; a PostgreSQL postmaster and its backends). Benchmarks
 * share the machine's cores with whatever else runs, so CPU per request says
 * more than requests per second alone; null where /proc is not available.
 */
export function processTreeCpuSeconds(pid: number): number | null {
  const root = procStat(pid);
  if (!root) return null;
  let total = root.cpuSeconds;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procStat(entry);
    if (child?.ppid === pid) total += child.cpuSeconds;
  }
  return total;
}

/** The postmaster's pid behind a connection, when the database runs on this machine (else null). */
export function postmasterPid(backendPid: number): number | null {
  try {
    // A remote server's backend pid may name an unrelated process here.
    if (!readFileSync(`/proc/${backendPid}/cmdline`, "utf8").startsWith("postgres")) return null;
  } catch {
    return null;
  }
  return procStat(backendPid)?.ppid ?? null;
}
