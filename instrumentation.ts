/** Runs once when a server starts (Node runtime only: lib/env.ts reads process.env, which the edge runtime lacks). */
export async function register() {
  // Set by Next itself.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkStartup } = await import("@/lib/startup-checks");
    checkStartup();
  }
}
