/** The order of a stop, in a real process with a real signal (lib/testing/jobs/exit-hold-process.ts). */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

describe("stopOnSignals and closeAtExit", () => {
  it("hold the exit the server asks for until the queue has stopped, then close the pool once, then exit with the server's code", async () => {
    // tsx as a loader in the process itself: its command line would stand between the signal and the process (and
    // kill it when it does not answer the relayed signal within 30 ms).
    const child = spawn(process.execPath, ["--import", "tsx", "lib/testing/jobs/exit-hold-process.ts"], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => out.includes("ready\n") && resolve());
      child.once("exit", (code) => reject(new Error(`exited (${code}) before it was ready: ${out}`)));
    });
    child.kill("SIGTERM");
    const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 143, signal: null });
    expect(out.trim().split("\n")).toEqual(["ready", "server asks to exit", "queue stopped", "pool closed"]);
  }, 30_000);
});
