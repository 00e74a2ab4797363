/**
 * Runs a command with a migrated PostgreSQL in DATABASE_URL, then cleans up.
 *
 *   tsx scripts/with-db.ts [--fresh] [--fast] [--seed | --seed-if-empty] [--dev-sign-in] -- <command…>
 *
 * Without DATABASE_URL it starts the embedded PostgreSQL (.data/postgres, kept
 * between runs; with --fresh a throw-away cluster). With DATABASE_URL it uses
 * that database, or with --fresh a scratch database on the same server that is
 * dropped afterwards, so tests never touch a developer's data.
 *
 * --dev-sign-in turns the dev sign-in on for the command unless
 * PORTSIDE_DEV_SIGN_IN is set already (set it to 0 to try SSO locally).
 */
import { spawn } from "node:child_process";
import nextEnv from "@next/env";
import { env } from "../lib/env";
import { checkStartup } from "../lib/startup-checks";
import { applyMigrations, createScratchDatabase, ensureDatabase, isDatabaseEmpty, ROOT, startEmbedded, type TRunningDatabase } from "./lib/database";
import { seedDemo } from "./lib/seed-runner";

const argv = process.argv.slice(2);
const sep = argv.indexOf("--");
const flags = new Set(sep === -1 ? argv : argv.slice(0, sep));
const command = sep === -1 ? [] : argv.slice(sep + 1);
const known = new Set(["--fresh", "--fast", "--seed", "--seed-if-empty", "--quiet", "--dev-sign-in"]);
for (const flag of flags) {
  if (!known.has(flag)) {
    console.error(`with-db: unknown flag ${flag}`);
    process.exit(2);
  }
}
if (command.length === 0) {
  console.error("usage: tsx scripts/with-db.ts [--fresh] [--fast] [--seed|--seed-if-empty] [--dev-sign-in] -- <command…>");
  process.exit(2);
}
const say = (line: string) => {
  if (!flags.has("--quiet")) console.error(`[portside] ${line}`);
};

nextEnv.loadEnvConfig(ROOT, process.env.NODE_ENV !== "production", { info: () => undefined, error: console.error });
// A bad variable stops here with one line naming it, not a stack trace.
checkStartup();
const configured = env().databaseUrl;

let database: TRunningDatabase | undefined;
const running: { child?: ReturnType<typeof spawn> } = {};
let exiting = false;

async function shutdown(code: number): Promise<never> {
  if (!exiting) {
    exiting = true;
    try {
      await database?.stop();
    } catch (error) {
      console.error("[portside] could not stop the database cleanly:", error);
    }
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    // The child gets the signal too when it comes from the terminal; forward it
    // for the other cases, then stop the database once the child is gone.
    const { child } = running;
    if (child && child.exitCode === null) child.kill(signal);
    else void shutdown(130);
  });
}

try {
  if (configured) {
    if (flags.has("--fresh")) database = await createScratchDatabase(configured, say);
    else {
      await ensureDatabase(configured, say);
      database = { url: configured, stop: async () => undefined };
    }
  } else {
    database = await startEmbedded({ isFresh: flags.has("--fresh"), isFast: flags.has("--fast"), log: say });
  }
  const applied = await applyMigrations(database.url);
  if (applied.length) say(`applied ${applied.length} migration(s)`);
  if (flags.has("--seed") || (flags.has("--seed-if-empty") && (await isDatabaseEmpty(database.url)))) {
    say("seeding the demo organisation…");
    const summary = await seedDemo({ url: database.url, log: say });
    say(summary);
  }
} catch (error) {
  console.error(`[portside] ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}

const [bin, ...args] = command as [string, ...string[]];
const child = spawn(bin, args, {
  stdio: "inherit",
  cwd: ROOT,
  env: {
    NEXT_TELEMETRY_DISABLED: "1",
    ...(flags.has("--dev-sign-in") ? { PORTSIDE_DEV_SIGN_IN: "1" } : {}),
    ...process.env,
    DATABASE_URL: database!.url,
  },
});
running.child = child;
child.on("exit", (code, signal) => void shutdown(code ?? (signal ? 128 + 2 : 1)));
child.on("error", (error) => {
  console.error(`[portside] could not run ${bin}: ${error.message}`);
  void shutdown(1);
});
