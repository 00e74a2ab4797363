import { log } from "@/lib/log";

export const SHUTDOWN_SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Stops the job queue when the process is told to stop, and holds the exit
 * until it has. The portal's server (scripts/start.mjs, like `next start`)
 * handles SIGTERM itself: it drains HTTP and then calls process.exit at once, which would cut a running sync short
 * and leave its job "active" until it expires (30 min for a sync, during
 * which that account × region's next sync cannot start). So the exit Next
 * asks for is deferred until `stop` settles (it lets running jobs finish,
 * then fails what is left so that it is retried) or `graceMs` passes,
 * whichever comes first. Keep `graceMs` under the platform's stop timeout
 * (ECS and App Runner send SIGKILL 30 s after SIGTERM by default).
 */
export function stopOnSignals(stop: () => Promise<void>, { graceMs = 25_000 }: { graceMs?: number } = {}): void {
  let stopping: Promise<void> | null = null;
  const begin = (signal: NodeJS.Signals) => {
    if (stopping) return;
    log.info({ signal }, "stopping the job queue");
    const exit = process.exit.bind(process);
    let exitCode: number | string | null | undefined;
    let isExitAsked = false;
    // Someone else's handler (the server's) may ask to exit before the queue is stopped: hold that exit until it is.
    process.exit = ((code?: number | string | null) => {
      isExitAsked = true;
      exitCode = code;
      return undefined as never;
    }) as typeof process.exit;
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    stopping = Promise.race([
      stop().then(
        () => log.info("job queue stopped"),
        (error: unknown) => log.error({ err: error }, "the job queue did not stop cleanly"),
      ),
      timer.then(() => log.warn({ graceMs }, "the job queue did not stop in time; exiting anyway")),
    ]).finally(() => {
      process.exit = exit;
      if (isExitAsked) exit(exitCode ?? undefined);
    });
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, begin);
}
