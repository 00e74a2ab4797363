/**
 * A process that stops as the portal's server does, driven by lib/jobs/stop-on-signals.test.ts:
 *
 *   node --import tsx lib/testing/jobs/exit-hold-process.ts
 *
 * Prints "ready", then on SIGTERM what happens, in order: the server's own handler asks to exit (as Next's does
 * once its requests are done), the queue takes longer to stop, and the pool's close is registered twice (as
 * when Next runs instrumentation.ts's register() twice).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { closeAtExit, stopOnSignals } from "@/lib/jobs/stop-on-signals";

// As Next's server: on SIGTERM it closes its listener, and once that is done (a later turn of the loop) exits.
process.once("SIGTERM", () => {
  setImmediate(() => {
    console.log("server asks to exit");
    process.exit(143);
  });
});
stopOnSignals(
  async () => {
    await sleep(300);
    console.log("queue stopped");
  },
  { name: "queue" },
);
for (let i = 0; i < 2; i++) {
  closeAtExit(
    async () => {
      console.log("pool closed");
    },
    { name: "pool" },
  );
}
// Kept alive until told to stop, as a server is.
setInterval(() => undefined, 1_000);
console.log("ready");
