"use client";

import { useEffect } from "react";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="rounded-xl border border-red-300 bg-red-50 p-6 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <h1 className="text-lg font-semibold">This page could not load</h1>
      <p className="mt-2 text-sm">
        Portside could not read its data. If the database is down, <a className="underline" href="/api/ready">/api/ready</a> says why.
        {error.digest ? <> Reference: <code className="font-mono">{error.digest}</code>.</> : null}
      </p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800">
        Try again
      </button>
    </div>
  );
}
