import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");

/** Runs a startup path as its own process, with the environment a user would set. */
function start(args: string[], env: Record<string, string> & { NODE_ENV?: "development" | "production" }) {
  const result = spawnSync(process.execPath, [tsx, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stderrLines: result.stderr.split("\n").filter((line) => line.trim() !== "") };
}

const SHORT_SECRET = { PORTSIDE_AUTH_SECRET: "too-short" };

describe("a too-short auth secret at start", () => {
  it("stops `npm run dev` / `npm start` (scripts/with-db.ts) with one line naming the variable, not a stack trace", () => {
    const { status, stderrLines } = start(["scripts/with-db.ts", "--", "node", "-e", "console.log('started')"], SHORT_SECRET);
    expect(status).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/PORTSIDE_AUTH_SECRET: must be at least 32 characters/);
  });

  it("stops the server's own start (instrumentation.ts, as the production server runs it) with one line naming the variable", () => {
    const { status, stderrLines } = start(["-e", "import('./instrumentation.ts').then((m) => m.register())"], {
      ...SHORT_SECRET,
      NEXT_RUNTIME: "nodejs",
      NODE_ENV: "production",
    });
    expect(status).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/^\[portside\] refusing to start: .*PORTSIDE_AUTH_SECRET: must be at least 32 characters/);
  });

  it("names every bad variable on that one line", () => {
    const { status, stderrLines } = start(["-e", "import('./instrumentation.ts').then((m) => m.register())"], {
      ...SHORT_SECRET,
      PORTSIDE_TRUSTED_PROXY_HOPS: "-1",
      NEXT_RUNTIME: "nodejs",
    });
    expect(status).toBe(1);
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/PORTSIDE_AUTH_SECRET: /);
    expect(stderrLines[0]).toMatch(/PORTSIDE_TRUSTED_PROXY_HOPS: /);
  });
});
