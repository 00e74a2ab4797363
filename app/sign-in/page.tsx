import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { DevSignIn } from "@/components/auth/dev-sign-in";
import { SsoSignInButton } from "@/components/auth/sso-sign-in-button";
import { signInMethods } from "@/lib/auth/server/auth";
import { findDevSignInUsers } from "@/lib/auth/server/find-dev-sign-in-users";
import { getViewer } from "@/lib/auth/server/viewer";

export const metadata: Metadata = { title: "Sign in" };

/** Only paths inside the portal, so the sign-in page cannot be used to send people elsewhere. */
function safeNext(next: string | string[] | undefined): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/** By the `error` better-auth or our SSO hooks (lib/auth/server/sso-plugin.ts) put in the URL; the log has the precise reason. */
const ERRORS: Record<string, string> = {
  access_denied: "The identity provider refused the sign-in.",
  account_not_linked: "Your identity provider account could not be linked to your Portside user. Ask an admin.",
  email_not_found: "Your identity provider did not send an email address; Portside needs one (add the email scope or claim).",
  // One message whether or not a Portside user has the email: it must not tell whoever set that address at the provider.
  email_not_verified: "Your identity provider has not verified your email address; ask its administrator, then try again.",
  account_already_linked: "Your Portside user is already linked to another account at the identity provider, so this one was not linked. Ask an admin.",
  idp_unreachable: "The identity provider did not answer. Try again in a moment; if it persists, tell an admin.",
  idp_refused_credentials: "The identity provider refused the portal's credentials. Tell an admin: the portal's client id or secret is probably wrong.",
  idp_error: "The identity provider answered with an error. Try again; if it persists, tell an admin.",
  idp_mismatch: "The identity provider is not the one the portal is configured for. Tell an admin.",
  id_token_invalid: "The identity provider's answer could not be verified, so it was refused. Tell an admin if it persists.",
  invalid_code: "The sign-in took too long or was replayed. Try again.",
  state_mismatch: "The sign-in took too long or was started in another tab. Try again.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNext(params.next);
  if (await getViewer()) redirect(next);
  const methods = signInMethods();
  const error = typeof params.error === "string" ? ((Object.hasOwn(ERRORS, params.error) ? ERRORS[params.error] : undefined) ?? `Sign-in failed (${params.error.replaceAll("_", " ")}). Try again, or ask an admin.`) : null;
  const demoUsers = methods.devSignIn ? await findDevSignInUsers() : [];
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-lg flex-col justify-center px-6 py-12">
      <div className="mb-8 flex items-center gap-2 text-2xl font-semibold tracking-tight">
        <span aria-hidden className="grid size-9 place-items-center rounded-md bg-sky-600 text-base font-bold text-white">P</span>
        Portside
      </div>
      <h1 className="text-xl font-semibold">Sign in</h1>
      {error ? (
        <p role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {error}
        </p>
      ) : null}
      {methods.sso ? (
        <div className="mt-6">
          <SsoSignInButton name={methods.sso.name} next={next} />
        </div>
      ) : null}
      {methods.devSignIn ? (
        <DevSignIn next={next} users={demoUsers} />
      ) : null}
      {!methods.sso && !methods.devSignIn ? (
        <div className="mt-6 rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          <p className="font-medium">No way to sign in is configured.</p>
          <p className="mt-1">
            Set <code className="font-mono">PORTSIDE_OIDC_ISSUER</code>, <code className="font-mono">PORTSIDE_OIDC_CLIENT_ID</code> and{" "}
            <code className="font-mono">PORTSIDE_OIDC_CLIENT_SECRET</code> for single sign-on (see docs/sso.md).
          </p>
        </div>
      ) : null}
    </main>
  );
}
