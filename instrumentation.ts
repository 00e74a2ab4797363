/**
 * Runs once when a server starts (`next start`, the image's standalone server.js, `next dev`), before it handles
 * any request. Node runtime only: lib/env.ts reads process.env, which the edge runtime lacks.
 */
export async function register() {
  // Set by Next itself.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkStartup } = await import("@/lib/startup-checks");
    checkStartup();
    const { env } = await import("@/lib/env");
    // With no proxy in front, the client's address is the connection's, whatever X-Forwarded-For a client sends.
    const { recordClientAddresses } = await import("@/lib/server/client-address");
    recordClientAddresses({ trustedProxyHops: env().trustedProxyHops });
    // DORA figures of deployments written with their refresh queued (ingest, pipeline sync) are computed within
    // moments of the write; the sweep picks up what another process left behind.
    // (Not in a build without a database.)
    if (env().databaseUrl) {
      const { startDoraRefresher } = await import("@/lib/dora/server/refresh-dora-facts");
      startDoraRefresher();
      // On SIGTERM, once Next has finished the requests in flight (and the job queue has stopped), the pool closes.
      const [{ closeDb }, { closeAtExit }] = await Promise.all([import("@/lib/db"), import("@/lib/jobs/stop-on-signals")]);
      closeAtExit(closeDb, { name: "database pool" });
    }
    // The collectors' job queue (pg-boss), when PORTSIDE_COLLECTORS is on; not awaited, so the server does not wait
    // for it. It stops on SIGTERM too (stopOnSignals), before the process exits.
    if (env().isCollectorsEnabled) {
      const { startJobWorkers } = await import("@/lib/jobs/start-jobs");
      void startJobWorkers();
    }
  }
}
