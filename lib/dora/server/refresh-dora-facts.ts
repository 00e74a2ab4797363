import "server-only";
import { preparedQuery } from "@/lib/db";
import { log } from "@/lib/log";

/*
 * The refresh queue. Writers on a hot path (the ingest API, the CodePipeline
 * sync) write in the `queued` DORA refresh mode (lib/dora/refresh-mode.ts): the
 * triggers only add the deployments concerned to "DoraPending", in the writer's
 * own transaction, so a crash between the write and the refresh loses nothing.
 * dora_drain (prisma/sql/dora/30-triggers.sql) recomputes many writes' facts in
 * one call, one drain at a time across every process.
 *
 * Three things drain it: the writer asks for a drain right after its commit
 * (debounced, so a burst of posts costs one refresh); every DORA read drains
 * first, so figures read right after a write include it; and a sweep every
 * few seconds picks up what another process left behind.
 */

/** Entries one dora_drain call takes: a bound on one transaction's work (each may fan out to several deployments). */
const DRAIN_CHUNK = 2_000;
/** How long a drain waits for more writes to gather after the first one asked. */
const DEBOUNCE_MS = 100;
const SWEEP_MS = 5_000;

/** Recomputes everything queued (committed before the call) and returns how many entries it took. */
export async function drainDoraQueue(): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await preparedQuery<{ taken: number }>("dora-drain", "SELECT dora_drain($1) AS taken", [DRAIN_CHUNK]);
    const taken = row?.taken ?? 0;
    total += taken;
    if (taken < DRAIN_CHUNK) return total;
  }
}

/**
 * What a DORA read calls first: waits for the refresh of writes queued before it (usually none), so that a
 * figure read right after a write includes it. A drain that fails is logged and the read goes on with the
 * figures as they are: the refresher retries, and a broken refresh must not take the dashboards down.
 */
export async function drainBeforeRead(): Promise<void> {
  try {
    await drainDoraQueue();
  } catch (error) {
    log.error({ err: error }, "could not refresh queued DORA figures before a read; showing them as they are");
  }
}

const state = globalThis as unknown as { portsideDoraDrain?: { timer: NodeJS.Timeout | null; running: Promise<void> | null; again: boolean; sweep: NodeJS.Timeout | null } };
function drainState() {
  state.portsideDoraDrain ??= { timer: null, running: null, again: false, sweep: null };
  return state.portsideDoraDrain;
}

async function runDrain(): Promise<void> {
  const s = drainState();
  try {
    await drainDoraQueue();
  } catch (error) {
    // Nothing is lost: the entries stay queued for the next drain, read or sweep.
    log.error({ err: error }, "could not refresh the DORA figures of recent deployments; they stay queued and are retried");
  } finally {
    s.running = null;
    if (s.again) {
      s.again = false;
      scheduleDoraDrain();
    }
  }
}

/**
 * Asks for a drain soon (after DEBOUNCE_MS), after a writer committed queued
 * work. Many calls in a burst give one drain; a call during a drain gives one
 * more after it.
 */
export function scheduleDoraDrain(): void {
  const s = drainState();
  if (s.running) {
    s.again = true;
    return;
  }
  if (s.timer) return;
  s.timer = setTimeout(() => {
    s.timer = null;
    s.running = runDrain();
  }, DEBOUNCE_MS);
  s.timer.unref();
}

/** Starts the periodic sweep in a server process (idempotent). */
export function startDoraRefresher(): void {
  const s = drainState();
  if (s.sweep) return;
  scheduleDoraDrain();
  s.sweep = setInterval(scheduleDoraDrain, SWEEP_MS);
  s.sweep.unref();
}
