import "server-only";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import { devSignInPlugin } from "@/lib/auth/server/dev-sign-in-plugin";
import { getDb } from "@/lib/db";
import { env, type TEnv } from "@/lib/env";
import { log } from "@/lib/log";

/** The provider id SSO accounts are stored under; part of the callback URL. */
export const SSO_PROVIDER_ID = "sso";

/** Set by the auth route from our own reading of X-Forwarded-For (see clientIp). */
export const CLIENT_IP_HEADER = "x-portside-client-ip";

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

export function createAuth(config: TEnv) {
  const oidc = config.oidc;
  return betterAuth({
    appName: "Portside",
    baseURL: config.PORTSIDE_BASE_URL,
    secret: authSecret(config),
    database: prismaAdapter(getDb(), { provider: "postgresql", transaction: true }),
    telemetry: { enabled: false },
    // Failed sign-ins land on our sign-in page, which explains the error code.
    onAPIError: { errorURL: "/sign-in" },
    logger: {
      log: (level, message, ...args) => log[level]({ args }, `auth: ${message}`),
    },
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
      // The organisation's IdP is the authority on emails: a person pre-created
      // with `portside user grant` is linked on their first SSO sign-in.
      // Their local row is unverified (an admin typed the email), hence requireLocalEmailVerified off.
      accountLinking: { enabled: true, trustedProviders: [SSO_PROVIDER_ID], requireLocalEmailVerified: false },
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
      storage: "memory",
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/*": { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE },
        "/callback/*": { window: 60, max: SIGN_IN_ATTEMPTS_PER_MINUTE * 2 },
      },
    },
    plugins: [
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: SSO_PROVIDER_ID,
                  name: oidc.name,
                  discoveryUrl: oidc.discoveryUrl,
                  authorizationUrl: oidc.authorizationUrl,
                  tokenUrl: oidc.tokenUrl,
                  userInfoUrl: oidc.userInfoUrl,
                  clientId: oidc.clientId,
                  clientSecret: oidc.clientSecret,
                  scopes: oidc.scopes,
                  pkce: true,
                  requireIdTokenVerification: !oidc.authorizationUrl,
                  // Entra ID and Cognito omit `name` unless asked; fall back to what they do send.
                  mapProfileToUser: (profile) => ({
                    name:
                      (typeof profile.name === "string" && profile.name) ||
                      [profile.given_name, profile.family_name].filter((part) => typeof part === "string" && part).join(" ") ||
                      (typeof profile.preferred_username === "string" && profile.preferred_username) ||
                      String(profile.email ?? ""),
                    // Entra ID sends `email` only when the user has a mailbox; its UPN is the sign-in address.
                    email: (typeof profile.email === "string" && profile.email
                      ? profile.email
                      : typeof profile.preferred_username === "string" && profile.preferred_username.includes("@")
                        ? profile.preferred_username
                        : undefined
                    )?.toLowerCase(),
                  }),
                },
              ],
            }),
          ]
        : []),
      ...(config.devSignIn ? [devSignInPlugin()] : []),
      // Last, so that cookies set by server-side calls reach the browser.
      nextCookies(),
    ],
  });
}

export type TAuth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { portsideAuth?: TAuth };

/**
 * The auth instance, built on first use (never at build time: the OIDC
 * endpoints are discovered when it first serves a request).
 */
export function getAuth(): TAuth {
  globalForAuth.portsideAuth ??= createAuth(env());
  return globalForAuth.portsideAuth;
}

/** What the sign-in page offers. */
export function signInMethods(): { sso: { name: string } | null; devSignIn: boolean } {
  const config = env();
  return { sso: config.oidc ? { name: config.oidc.name } : null, devSignIn: config.devSignIn };
}
