import { spawnSync } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run portside -- <args>` the way the npm script does, against DATABASE_URL, for tests. */
export function runPortside(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return runPortsideWithEnv({}, ...args);
}

/** runPortside with these environment variables added (PORTSIDE_MEMBER_ROLE_NAME, …). */
export function runPortsideWithEnv(extraEnv: Record<string, string>, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "scripts/portside.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent", ...extraEnv },
  });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}
