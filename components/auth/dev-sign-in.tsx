"use client";

import { useMemo, useState } from "react";

interface TDemoUser {
  email: string;
  name: string;
  orgRole: "ADMIN" | "EXECUTIVE" | "VIEWER";
  teams: string[];
}

/** Development only: pick any user and be them. The server refuses this in production. */
export function DevSignIn({ users, next }: { users: TDemoUser[]; next: string }) {
  const [query, setQuery] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? users.filter((u) => `${u.name} ${u.email} ${u.orgRole} ${u.teams.join(" ")}`.toLowerCase().includes(q)) : users;
  }, [query, users]);

  async function signInAs(email: string) {
    setBusy(email);
    setError(null);
    const response = await fetch("/api/auth/sign-in/dev", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email }) });
    if (response.ok) {
      window.location.assign(next);
      return;
    }
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    setError(body.message ?? `Sign-in failed (${response.status}).`);
    setBusy(null);
  }

  return (
    <section aria-labelledby="dev-sign-in" className="mt-8 rounded-lg border border-dashed border-amber-400 p-4 dark:border-amber-700">
      <h2 id="dev-sign-in" className="font-medium">Dev sign-in</h2>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        For local use and tests only (<code className="font-mono text-xs">PORTSIDE_DEV_SIGN_IN</code>): pick a demo user, no password.
      </p>
      <label className="mt-3 block text-sm">
        <span className="sr-only">Filter users</span>
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Filter by name, role or team"
          className="w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 dark:border-zinc-700 dark:bg-zinc-900"
        />
      </label>
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {users.length === 0 ? (
        <p className="mt-3 text-sm">No users yet: run <code className="font-mono">npm run db:seed</code>.</p>
      ) : (
        <ul className="mt-3 max-h-96 divide-y divide-zinc-200 overflow-y-auto dark:divide-zinc-800">
          {shown.map((u) => (
            <li key={u.email}>
              <button
                type="button"
                onClick={() => signInAs(u.email)}
                disabled={busy !== null}
                aria-label={`Sign in as ${u.name} (${u.orgRole.toLowerCase()})`}
                className="flex w-full items-start justify-between gap-3 px-2 py-2 text-left text-sm hover:bg-zinc-100 disabled:opacity-60 dark:hover:bg-zinc-800"
              >
                <span>
                  <span className="block font-medium">{u.name}</span>
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">{u.teams.length ? u.teams.join(", ") : u.email}</span>
                </span>
                <span className="shrink-0 text-xs text-zinc-600 dark:text-zinc-400">{busy === u.email ? "Signing in…" : u.orgRole.toLowerCase()}</span>
              </button>
            </li>
          ))}
          {shown.length === 0 ? <li className="px-2 py-2 text-sm text-zinc-500">Nobody matches “{query}”.</li> : null}
        </ul>
      )}
    </section>
  );
}
