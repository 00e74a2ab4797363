import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { recordRefusedSsoLink } from "@/lib/auth/server/record-refused-sso-link";
import { SSO_PROVIDER_ID, ssoCallbackOutcome, type TSsoCallbackOutcome, type TSsoClient } from "@/lib/auth/server/sso-client";
import { log } from "@/lib/log";

/** Set by the auth route from our own reading of X-Forwarded-For (see clientIp). */
export const CLIENT_IP_HEADER = "x-portside-client-ip";

/** The name `portside user grant` gives a user it creates: the email's local part. */
function isPlaceholderName(user: { name: string; email: string }): boolean {
  return !user.name || user.name === user.email.split("@")[0];
}

function isSsoCallback(ctx: { path?: string; params?: Record<string, unknown> } | null | undefined): boolean {
  return ctx?.path === "/callback/:id" && ctx.params?.id === SSO_PROVIDER_ID;
}

/** Stops better-auth's write; the after-hook names the reason on the sign-in page and audits it. */
async function refuse(refusal: NonNullable<TSsoCallbackOutcome["refusal"]>): Promise<never> {
  (await ssoCallbackOutcome.get()).refusal = refusal;
  throw new APIError("FORBIDDEN", { code: refusal.reason, message: refusal.reason });
}

const LOG_MESSAGES: Record<NonNullable<TSsoCallbackOutcome["refusal"]>["reason"] | "email_not_linked", string> = {
  email_not_linked: "sso: sign-in refused: the provider did not assert that the email of an existing user is verified, so the identity is not linked to that user",
  email_not_verified: "sso: sign-in refused: the provider did not assert that the email is verified, so no user is created with it",
  account_already_linked: "sso: sign-in refused: the user with this email is already linked to another subject of the provider",
};

/**
 * Registers the organisation's identity provider with better-auth (without
 * reaching it: see createSsoClient), and, on each SSO callback:
 * - creates a user only for an email the provider asserts verified (else the
 *   first to set an address at the provider would own the user an admin later
 *   grants a role to by that email), and links no second subject of the
 *   provider to a user who has one;
 * - names the true reason of a failure on the sign-in page, where better-auth
 *   knows only "invalid code" or "unable to get user info";
 * - audits a sign-in refused for an email not proven the identity's own;
 * - replaces the placeholder name of a user added by the CLI with the provider's.
 */
export function ssoPlugin(client: TSsoClient) {
  return {
    id: "portside-sso",
    init: (ctx) => ({
      context: { socialProviders: [client.provider, ...ctx.socialProviders] },
      options: {
        databaseHooks: {
          user: {
            create: {
              before: async (user, endpoint) => {
                if (isSsoCallback(endpoint) && !user.emailVerified) await refuse({ reason: "email_not_verified" });
              },
            },
          },
          account: {
            create: {
              before: async (account, endpoint) => {
                if (!endpoint || !isSsoCallback(endpoint) || account.providerId !== SSO_PROVIDER_ID) return;
                const accounts = await endpoint.context.internalAdapter.findAccounts(String(account.userId));
                const linked = accounts.find((a) => a.providerId === SSO_PROVIDER_ID && a.accountId !== account.accountId);
                if (linked) await refuse({ reason: "account_already_linked", linkedSubject: linked.accountId });
              },
            },
          },
        },
      },
    }),
    hooks: {
      after: [
        {
          matcher: (ctx) => isSsoCallback(ctx),
          handler: createAuthMiddleware(async (ctx) => {
            const outcome = await ssoCallbackOutcome.get();
            const location = ctx.context.responseHeaders?.get("location");
            const redirect = location ? new URL(location, ctx.context.baseURL) : null;
            const error = redirect?.searchParams.get("error");
            const newUser = ctx.context.newSession?.user;
            if (!error && newUser && outcome.identity?.name && isPlaceholderName(newUser) && outcome.identity.name !== newUser.name) {
              await ctx.context.internalAdapter.updateUser(newUser.id, { name: outcome.identity.name });
              return;
            }
            if (!redirect || !location || !error) return;
            const identity = outcome.identity;
            let reason: string | null = null;
            let refusal: { reason: "email_not_verified" | "account_already_linked"; linkedSubject?: string; logMessage: string } | null = null;
            if (outcome.failure) reason = outcome.failure.reason;
            else if (outcome.refusal) refusal = { ...outcome.refusal, logMessage: LOG_MESSAGES[outcome.refusal.reason] };
            else if (error === "account_not_linked" && identity?.email && !identity.isEmailVerified) refusal = { reason: "email_not_verified", logMessage: LOG_MESSAGES.email_not_linked };
            if (refusal) reason = refusal.reason;
            if (refusal && identity?.email) {
              const refused = await recordRefusedSsoLink({
                identity: { sub: identity.sub, email: identity.email, emailClaim: identity.emailClaim, isEmailVerified: identity.isEmailVerified },
                providerId: SSO_PROVIDER_ID,
                reason: refusal.reason,
                linkedSubject: refusal.linkedSubject,
                origin: { ip: ctx.headers?.get(CLIENT_IP_HEADER) ?? null },
              });
              log.warn(
                { sso: { subject: identity.sub, email: identity.email, emailClaim: identity.emailClaim, linkedSubject: refusal.linkedSubject, userId: refused?.userId } },
                refusal.logMessage,
              );
            }
            if (!reason || (reason === error && !redirect.searchParams.has("error_description"))) return;
            redirect.searchParams.set("error", reason);
            // Our refusals' own words stay in the log: the sign-in page explains the code.
            redirect.searchParams.delete("error_description");
            // The error page is ours (onAPIError.errorURL): keep it relative, as better-auth wrote it.
            const rewritten = location.startsWith("/") ? `${redirect.pathname}${redirect.search}` : redirect.toString();
            throw ctx.redirect(rewritten);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
