/** Runs once when a server starts (Node runtime only: lib/env.ts reads process.env, which the edge runtime lacks). */
export async function register() {
  // Set by Next itself.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkStartup } = await import("@/lib/startup-checks");
    checkStartup();
    // DORA figures of deployments written with their refresh queued (ingest, pipeline sync) are computed within
    // moments of the write; the sweep picks up what another process left behind.
    // (Not in a build without a database.)
    const { env } = await import("@/lib/env");
    if (env().databaseUrl) {
      const { startDoraRefresher } = await import("@/lib/dora/server/refresh-dora-facts");
      startDoraRefresher();
    }
    // The collectors' job queue (pg-boss), when PORTSIDE_COLLECTORS is on; not awaited, so the server does not wait for it.
    if (env().isCollectorsEnabled) {
      const { startJobWorkers } = await import("@/lib/jobs/start-jobs");
      void startJobWorkers();
    }
  }
}
