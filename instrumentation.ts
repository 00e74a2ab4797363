/**
 * Runs once when a server starts. Validating the environment here makes a
 * misconfigured portal refuse to start instead of failing on some later
 * request: above all, a production server with PORTSIDE_DEV_SIGN_IN set
 * (which would let anyone sign in as anyone) exits at once.
 */
export async function register() {
  // Set by Next itself, and lib/env.ts cannot load in the edge runtime.
  // eslint-disable-next-line no-restricted-syntax
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("@/lib/env");
  try {
    const config = env();
    if (config.NODE_ENV === "production" && !config.PORTSIDE_AUTH_SECRET) {
      throw new Error("PORTSIDE_AUTH_SECRET is not set: production needs a secret of 32+ characters to sign sessions (openssl rand -base64 32).");
    }
  } catch (error) {
    console.error(`[portside] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
