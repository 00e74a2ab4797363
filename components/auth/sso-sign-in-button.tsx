"use client";

import { LogIn } from "lucide-react";
import { useState } from "react";

/** Starts the OIDC authorization-code flow (PKCE) and follows the provider's URL. */
export function SsoSignInButton({ name, next }: { name: string; next: string }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  async function signIn() {
    setState({ busy: true, error: null });
    try {
      const response = await fetch("/api/auth/sign-in/social", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ provider: "sso", callbackURL: next, errorCallbackURL: "/sign-in" }),
      });
      const body = (await response.json().catch(() => ({}))) as { url?: string; message?: string };
      if (!response.ok || !body.url) throw new Error(body.message ?? `the portal answered ${response.status}`);
      window.location.assign(body.url);
    } catch (error) {
      setState({ busy: false, error: `Could not start the sign-in: ${error instanceof Error ? error.message : String(error)}.` });
    }
  }
  return (
    <>
      <button
        type="button"
        onClick={signIn}
        disabled={state.busy}
        className="inline-flex w-full items-center justify-center gap-2 rounded-md bg-sky-700 px-4 py-2.5 font-medium text-white hover:bg-sky-800 disabled:opacity-70"
      >
        <LogIn aria-hidden className="size-4" />
        {state.busy ? "Redirecting…" : `Sign in with ${name}`}
      </button>
      {state.error ? (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {state.error}
        </p>
      ) : null}
    </>
  );
}
