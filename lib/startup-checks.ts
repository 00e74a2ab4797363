import { env } from "@/lib/env";

/**
 * Refuses to run a misconfigured portal: a bad environment stops the server
 * at start instead of failing on some later request. Above all, a production
 * server with PORTSIDE_DEV_SIGN_IN set (anyone could sign in as anyone) exits.
 * What is wrong is said in one line on stderr, naming the variable, with no
 * stack trace: the reader is whoever set the variable, not the code.
 */
export function checkStartup(): void {
  try {
    const config = env();
    if (config.NODE_ENV === "production" && !config.PORTSIDE_AUTH_SECRET) {
      throw new Error("PORTSIDE_AUTH_SECRET is not set: production needs a secret of 32+ characters to sign sessions (openssl rand -base64 32).");
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[portside] refusing to start: ${message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  }
}
