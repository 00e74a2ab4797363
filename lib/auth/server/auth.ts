import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { createRollingWindowLimiter } from "@/lib/auth/rate-limit";
import { authLogger } from "@/lib/auth/server/auth-logger";
import { devSignInPlugin } from "@/lib/auth/server/dev-sign-in-plugin";
import { createSsoClient, type TSsoClient, type TSsoStatus } from "@/lib/auth/server/sso-client";
import { CLIENT_IP_HEADER, ssoPlugin } from "@/lib/auth/server/sso-plugin";
import { getDb } from "@/lib/db";
import { env, type TEnv } from "@/lib/env";
import { log } from "@/lib/log";

export { SSO_PROVIDER_ID } from "@/lib/auth/server/sso-client";
export { CLIENT_IP_HEADER };

/** Public, fixed, and refused in production: only for development and tests. */
const DEVELOPMENT_SECRET = "portside-development-secret-never-use-in-production";

const NO_PROVIDER_TOKENS = { accessToken: null, refreshToken: null, idToken: null, accessTokenExpiresAt: null, refreshTokenExpiresAt: null };

/** Sign-in attempts per address and minute: enough for a person, too few to hammer the IdP or the database. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

function authSecret(config: TEnv): string {
  if (config.PORTSIDE_AUTH_SECRET) return config.PORTSIDE_AUTH_SECRET;
  if (config.NODE_ENV === "production") {
    throw new Error("PORTSIDE_AUTH_SECRET is not set: production needs a secret of 32+ characters to sign sessions (openssl rand -base64 32).");
  }
  return DEVELOPMENT_SECRET;
}

export interface TCreateAuthOptions {
  /** The identity provider's client; built from `config.oidc` when not given. */
  sso?: TSsoClient | null;
  /** For tests of the rate limits. */
  now?: () => number;
}

export function createAuth(config: TEnv, { sso = config.oidc ? createSsoClient({ oidc: config.oidc }) : null, now = () => Date.now() }: TCreateAuthOptions = {}) {
  return betterAuth({
    appName: "Portside",
    baseURL: config.PORTSIDE_BASE_URL,
    secret: authSecret(config),
    database: prismaAdapter(getDb(), { provider: "postgresql", transaction: true }),
    telemetry: { enabled: false },
    // Failed sign-ins land on our sign-in page, which explains the error code.
    onAPIError: { errorURL: "/sign-in" },
    logger: authLogger(log),
    advanced: {
      // Our ids are integers (one convention for every table).
      database: { generateId: "serial" },
      cookiePrefix: "portside",
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
    },
    account: {
      // A person pre-created with `portside user grant` is linked on their first
      // SSO sign-in, but only when the provider asserts `email_verified: true`:
      // the provider is deliberately not a trusted provider, for which better-auth
      // would link on any email it sends (an account takeover). A refusal is
      // audited (see sso-plugin.ts). The local row is unverified (an admin typed
      // the email), hence requireLocalEmailVerified off.
      accountLinking: { enabled: true, trustedProviders: [], requireLocalEmailVerified: false },
    },
    databaseHooks: {
      // The portal never calls the IdP after sign-in, so it keeps none of its tokens.
      account: {
        create: { before: async (account) => ({ data: { ...account, ...NO_PROVIDER_TOKENS } }) },
        update: { before: async (account) => ({ data: { ...account, ...NO_PROVIDER_TOKENS } }) },
      },
    },
    rateLimit: {
      enabled: true,
      // A rolling window (better-auth's own store resets a key's count only after a pause as long as the window).
      customStorage: createRollingWindowLimiter({ now }),
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/*": { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE },
        "/callback/*": { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE * 2 },
      },
    },
    plugins: [
      ...(sso ? [ssoPlugin(sso)] : []),
      ...(config.devSignIn ? [devSignInPlugin()] : []),
      // Last, so that cookies set by server-side calls reach the browser.
      nextCookies(),
    ],
  });
}

export type TAuth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { portsideAuth?: TAuth; portsideSso?: TSsoClient | null };

function getSso(): TSsoClient | null {
  if (globalForAuth.portsideSso === undefined) {
    const oidc = env().oidc;
    globalForAuth.portsideSso = oidc ? createSsoClient({ oidc }) : null;
  }
  return globalForAuth.portsideSso;
}

/**
 * The auth instance, built on first use. It never reaches the identity
 * provider: its endpoints are discovered at the first sign-in (sso-client.ts).
 */
export function getAuth(): TAuth {
  globalForAuth.portsideAuth ??= createAuth(env(), { sso: getSso() });
  return globalForAuth.portsideAuth;
}

/**
 * For /api/ready (anonymous): the identity provider as the last sign-in found
 * it, or null without single sign-on. Never reaches the provider, and never
 * makes the portal unready: only signing in needs it. The reason of a failure
 * is in the log.
 */
export function ssoReadiness(): Pick<TSsoStatus, "mode" | "state" | "checkedAt"> | null {
  const status = getSso()?.status();
  return status ? { mode: status.mode, state: status.state, checkedAt: status.checkedAt } : null;
}

/** What the sign-in page offers. */
export function signInMethods(): { sso: { name: string } | null; devSignIn: boolean } {
  const config = env();
  return { sso: config.oidc ? { name: config.oidc.name } : null, devSignIn: config.devSignIn };
}
