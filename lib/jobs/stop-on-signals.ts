import { log } from "@/lib/log";

export const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * The server process's graceful stop, on top of Next's own. On SIGTERM or SIGINT Next's server (`next start`, the
 * image's standalone server.js) stops accepting connections, lets the requests in flight finish, and then calls
 * process.exit(143 / 130) at once. That exit would cut a running sync short (its job stays "active" until it
 * expires: 30 min for a sync, during which that account × region's next sync cannot start) and drop the database
 * connections mid-conversation. So, from the signal on, the exit Next asks for is held:
 *
 * 1. at the signal, each `stopOnSignals` task starts (the job queue stops taking jobs, lets running ones finish,
 *    and fails what is left so that it is retried), alongside Next's draining of the requests;
 * 2. once Next asks to exit (its requests are done) and those tasks have settled, each `closeAtExit` task runs
 *    (the database pool, which the requests were still using until then);
 * 3. then the process exits with the code Next asked for.
 *
 * Everything together gets `graceMs` from the signal; keep it under the platform's stop timeout (ECS and App Runner
 * send SIGKILL 30 s after SIGTERM by default). Where nobody asks to exit (no server in the process), the stop tasks
 * still run and the close tasks do not: the process ends as its own signal handling decides.
 */
const GRACE_MS = 25_000;

type TTask = { name: string; run: () => Promise<void> };
interface TShutdown {
  stops: TTask[];
  closes: TTask[];
  graceMs: number;
  isListening: boolean;
  isStopping: boolean;
}

function shutdownState(): TShutdown {
  // On globalThis: Next bundles instrumentation.ts and the routes apart, and this module may be loaded once in each.
  const holder = globalThis as { portsideShutdown?: TShutdown };
  holder.portsideShutdown ??= { stops: [], closes: [], graceMs: GRACE_MS, isListening: false, isStopping: false };
  return holder.portsideShutdown;
}

/** One task per name: Next may run the server's start-up code (instrumentation.ts) more than once in a process. */
function addTask(tasks: TTask[], task: TTask): void {
  if (!tasks.some((t) => t.name === task.name)) tasks.push(task);
}

function listen(state: TShutdown): void {
  if (state.isListening) return;
  state.isListening = true;
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, (s: NodeJS.Signals) => void begin(state, s));
}

async function runAll(tasks: TTask[], phase: "stop" | "close"): Promise<void> {
  await Promise.all(
    tasks.map((task) =>
      task.run().then(
        () => log.info({ task: task.name }, phase === "stop" ? `${task.name} stopped` : `${task.name} closed`),
        (error: unknown) => log.error({ err: error, task: task.name }, `${task.name} did not ${phase} cleanly`),
      ),
    ),
  );
}

async function begin(state: TShutdown, signal: NodeJS.Signals): Promise<void> {
  if (state.isStopping) return;
  state.isStopping = true;
  log.info({ signal }, "stopping");
  const exit = process.exit.bind(process);
  // Set by the replaced process.exit below (the cast keeps TypeScript from taking it for always null).
  let asked = null as { code: number | string | null | undefined } | null;
  let onAsked: () => void = () => undefined;
  const exitAsked = new Promise<void>((resolve) => (onAsked = resolve));
  // The server's own handler asks to exit once its requests are done: held until the tasks below have run.
  process.exit = ((code?: number | string | null) => {
    asked ??= { code };
    onAsked();
    return undefined as never;
  }) as typeof process.exit;
  let timer: NodeJS.Timeout | undefined;
  const isInTime = await Promise.race([
    (async () => {
      await runAll(state.stops, "stop");
      await exitAsked;
      await runAll(state.closes, "close");
      return true;
    })(),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), state.graceMs).unref())),
  ]);
  clearTimeout(timer);
  if (!isInTime) log.warn({ graceMs: state.graceMs }, asked ? "the stop did not finish in time; exiting anyway" : "the stop did not finish in time");
  process.exit = exit;
  if (asked) exit(asked.code ?? undefined);
}

/**
 * Runs `stop` as soon as the process is told to stop, and holds the exit the server asks for until it settles (see
 * above). `graceMs` (default 25 s) bounds the whole stop.
 */
export function stopOnSignals(stop: () => Promise<void>, { graceMs, name = "job queue" }: { graceMs?: number; name?: string } = {}): void {
  const state = shutdownState();
  if (graceMs !== undefined) state.graceMs = graceMs;
  addTask(state.stops, { name, run: stop });
  listen(state);
}

/** Runs `close` after the server has finished its requests and every `stopOnSignals` task has settled, just before the process exits. */
export function closeAtExit(close: () => Promise<void>, { name }: { name: string }): void {
  const state = shutdownState();
  addTask(state.closes, { name, run: close });
  listen(state);
}
