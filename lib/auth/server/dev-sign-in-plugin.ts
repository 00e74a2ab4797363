import "server-only";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { z } from "zod";
import { env } from "@/lib/env";
import { isSameOrigin } from "@/lib/http";

/**
 * POST /api/auth/sign-in/dev {email}: signs in as an existing user with no
 * password, for local use and tests. Registered only when PORTSIDE_DEV_SIGN_IN
 * is set outside production (lib/env.ts refuses the flag in production, and
 * instrumentation.ts stops a production server that has it); checked again
 * here on every request so that no path leads to it in production.
 */
export function devSignInPlugin() {
  return {
    id: "portside-dev-sign-in",
    endpoints: {
      devSignIn: createAuthEndpoint(
        "/sign-in/dev",
        { method: "POST", body: z.object({ email: z.email() }) },
        async (ctx) => {
          const config = env();
          if (config.NODE_ENV === "production" || !config.devSignIn) throw new APIError("NOT_FOUND");
          // Login CSRF: another site's page must not sign its visitor in as someone (better-auth checks the origin
          // only when cookies come along). A browser says where it posts from; a script or test sends neither header.
          const headers = ctx.request?.headers;
          if (ctx.request && (headers?.has("origin") || headers?.has("sec-fetch-site")) && !isSameOrigin(ctx.request)) {
            throw new APIError("FORBIDDEN", { message: "Cross-site sign-in refused: sign in from the portal's own sign-in page." });
          }
          const found = await ctx.context.internalAdapter.findUserByEmail(ctx.body.email.toLowerCase());
          if (!found) throw new APIError("BAD_REQUEST", { message: `No user with the email ${ctx.body.email}.` });
          const session = await ctx.context.internalAdapter.createSession(found.user.id);
          await setSessionCookie(ctx, { session, user: found.user });
          return ctx.json({ user: { id: found.user.id, email: found.user.email, name: found.user.name } });
        },
      ),
    },
  } satisfies BetterAuthPlugin;
}
