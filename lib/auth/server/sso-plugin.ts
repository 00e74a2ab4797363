import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import { recordRefusedSsoLink } from "@/lib/auth/server/record-refused-sso-link";
import { SSO_PROVIDER_ID, ssoCallbackOutcome, type TSsoClient } from "@/lib/auth/server/sso-client";
import { log } from "@/lib/log";

/** Set by the auth route from our own reading of X-Forwarded-For (see clientIp). */
export const CLIENT_IP_HEADER = "x-portside-client-ip";

/** The name `portside user grant` gives a user it creates: the email's local part. */
function isPlaceholderName(user: { name: string; email: string }): boolean {
  return !user.name || user.name === user.email.split("@")[0];
}

/**
 * Registers the organisation's identity provider with better-auth (without
 * reaching it: see createSsoClient), and, after each SSO callback:
 * - names the true reason of a failure on the sign-in page, where better-auth
 *   knows only "invalid code" or "unable to get user info";
 * - audits a link refused because the provider did not assert the email;
 * - replaces the placeholder name of a user added by the CLI with the provider's.
 */
export function ssoPlugin(client: TSsoClient) {
  return {
    id: "portside-sso",
    init: (ctx) => ({ context: { socialProviders: [client.provider, ...ctx.socialProviders] } }),
    hooks: {
      after: [
        {
          matcher: (ctx) => ctx.path === "/callback/:id" && ctx.params?.id === SSO_PROVIDER_ID,
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
            let reason: string | null = null;
            if (outcome.failure) reason = outcome.failure.reason;
            else if (error === "account_not_linked" && outcome.identity?.email && !outcome.identity.isEmailVerified) {
              reason = "email_not_verified";
              const refused = await recordRefusedSsoLink({
                identity: { sub: outcome.identity.sub, email: outcome.identity.email, emailClaim: outcome.identity.emailClaim },
                providerId: SSO_PROVIDER_ID,
                origin: { ip: ctx.headers?.get(CLIENT_IP_HEADER) ?? null },
              });
              log.warn(
                { sso: { subject: outcome.identity.sub, email: outcome.identity.email, emailClaim: outcome.identity.emailClaim, userId: refused?.userId } },
                "sso: sign-in refused: the provider did not assert that the email of an existing user is verified, so the identity is not linked to that user",
              );
            }
            if (!reason || reason === error) return;
            redirect.searchParams.set("error", reason);
            // The error page is ours (onAPIError.errorURL): keep it relative, as better-auth wrote it.
            const rewritten = location.startsWith("/") ? `${redirect.pathname}${redirect.search}` : redirect.toString();
            throw ctx.redirect(rewritten);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
